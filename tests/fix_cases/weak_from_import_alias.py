from random import choice as pick
import string


def new_api_key():
    return "".join([pick(string.hexdigits) for _ in range(24)])
# output
import secrets


def new_api_key():
    return secrets.token_urlsafe(32)
