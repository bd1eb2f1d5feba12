import random


def new_api_key():
    return "%032x" % random.getrandbits(128)


def new_session_id():
    session_id = f"{random.getrandbits(64):016x}"
    return session_id


def new_reset_token():
    reset_token = format(random.getrandbits(96), "024x")
    return reset_token


def new_nonce_number():
    nonce = random.getrandbits(64)
    return nonce
# output
import secrets


def new_api_key():
    return secrets.token_hex(32)


def new_session_id():
    session_id = secrets.token_hex(32)
    return session_id


def new_reset_token():
    reset_token = secrets.token_hex(32)
    return reset_token


def new_nonce_number():
    nonce = secrets.randbits(256)
    return nonce
