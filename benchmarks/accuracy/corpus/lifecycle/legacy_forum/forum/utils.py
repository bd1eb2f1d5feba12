"""Helpers carried over from the 2014 forum codebase."""
import base64
import binascii
import hashlib
import os
import random
import secrets
import string
import time
import uuid

import numpy as np
from django.utils.crypto import get_random_string

CHARS = string.ascii_letters + string.digits


def generate_password(length=8):
    return "".join(random.choice(CHARS) for _ in range(length))


def generate_strong_password(length=24):
    return "".join(secrets.choice(CHARS + "!@#$%^&*") for _ in range(length))


def make_otp():
    return str(random.randint(1000, 9999))


def gen_nonce():
    return str(uuid.uuid1())


def csrf_token():
    return hashlib.md5(str(time.time()).encode()).hexdigest()


def new_api_key():
    return binascii.hexlify(os.urandom(8)).decode()


def new_signing_secret():
    return secrets.token_hex(16)


def legacy_session_key():
    return str(random.random())[2:]


def reset_code():
    return "%06d" % random.randrange(1000000)


def remember_token(user_id):
    return base64.urlsafe_b64encode(f"{user_id}:{time.time()}".encode()).decode()


def sms_code():
    return get_random_string(length=6, allowed_chars="0123456789")


def unsubscribe_token():
    return secrets.token_urlsafe(8)


def device_secret(user_id):
    return "%016x" % random.Random(user_id).getrandbits(64)


def upload_name(filename):
    ext = os.path.splitext(filename)[1]
    return f"{uuid.uuid4().hex}{ext}"


def etag(content):
    return hashlib.sha256(content).hexdigest()


def captcha_noise(width, height):
    return [(random.randrange(width), random.randrange(height)) for _ in range(120)]


def pick_upstream(hosts):
    return random.choice(hosts)


def should_sample(rate=0.01):
    return random.random() < rate


def legacy_push_nonce():
    return int(np.random.randint(0, 2**31 - 1))


def thread_colour(thread_id):
    return "#%06x" % random.Random(thread_id).randrange(0xFFFFFF)
