import uuid


def start_session(response):
    response.set_cookie("session_id", str(uuid.uuid1()))


def new_password_reset_token():
    reset_token = uuid.uuid1().hex
    return reset_token
# output
import secrets


def start_session(response):
    response.set_cookie("session_id", secrets.token_hex(32))


def new_password_reset_token():
    reset_token = secrets.token_hex(32)
    return reset_token
