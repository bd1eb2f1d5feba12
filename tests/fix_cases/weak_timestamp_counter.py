import itertools
import time

_sequence = itertools.count(1000)


def new_session_token():
    session_token = str(int(time.time() * 1000))
    return session_token


def next_auth_token():
    auth_token = f"{next(_sequence)}"
    return auth_token
# output
import itertools
import secrets

_sequence = itertools.count(1000)


def new_session_token():
    session_token = secrets.token_urlsafe(32)
    return session_token


def next_auth_token():
    auth_token = secrets.token_urlsafe(32)
    return auth_token
