import base64
import hashlib
import random
import time
import uuid


def activation_code(user):
    activation_code = hashlib.sha1(f"{user.pk}-{user.email}".encode()).hexdigest()
    return activation_code


def agent_api_key(username):
    api_key = str(uuid.uuid5(uuid.NAMESPACE_DNS, username))
    return api_key


def share_token(account_id):
    share_token = base64.urlsafe_b64encode(f"{account_id}:{time.time()}".encode())
    return share_token


def download_token(ticket_id):
    rng = random.Random(ticket_id)
    download_token = "".join(rng.choice("abcdef0123456789") for _ in range(32))
    return download_token


def upload_token(user):
    upload_token = f"{user.id}-{int(time.time())}"
    return upload_token
# output
import base64
import hashlib
import random
import time
import uuid


def activation_code(user):
    activation_code = hashlib.sha1(f"{user.pk}-{user.email}".encode()).hexdigest()
    return activation_code


def agent_api_key(username):
    api_key = str(uuid.uuid5(uuid.NAMESPACE_DNS, username))
    return api_key


def share_token(account_id):
    share_token = base64.urlsafe_b64encode(f"{account_id}:{time.time()}".encode())
    return share_token


def download_token(ticket_id):
    rng = random.Random(ticket_id)
    download_token = "".join(rng.choice("abcdef0123456789") for _ in range(32))
    return download_token


def upload_token(user):
    upload_token = f"{user.id}-{int(time.time())}"
    return upload_token
