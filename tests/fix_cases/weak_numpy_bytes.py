import numpy as np


def archive_download_key():
    download_key = np.random.bytes(16).hex()
    return download_key


def signing_secret():
    secret = np.random.bytes(64)
    return secret
# output
import secrets


def archive_download_key():
    download_key = secrets.token_bytes(32).hex()
    return download_key


def signing_secret():
    secret = secrets.token_bytes(64)
    return secret
