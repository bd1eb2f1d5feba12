import secrets


def create_api_key():
    return secrets.token_bytes(8).hex()
# output
import secrets


def create_api_key():
    return secrets.token_bytes(32).hex()
