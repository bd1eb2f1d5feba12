import random
import string

ALPHABET = string.ascii_letters + string.digits


def generate_api_key():
    api_key = "".join(random.choices(ALPHABET, k=16))
    return api_key
# output
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


def generate_api_key():
    api_key = secrets.token_urlsafe(32)
    return api_key
