import os
import secrets

TOKEN_BYTES = 8


def new_session_token():
    session_token = secrets.token_urlsafe(nbytes=12)
    return session_token


def new_reset_token():
    reset_token = os.urandom(TOKEN_BYTES).hex()
    return reset_token
# output
import os
import secrets

TOKEN_BYTES = 8


def new_session_token():
    session_token = secrets.token_urlsafe(nbytes=32)
    return session_token


def new_reset_token():
    reset_token = os.urandom(32).hex()
    return reset_token
