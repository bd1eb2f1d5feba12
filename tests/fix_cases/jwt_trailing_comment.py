import jwt


def issue(user, key):
    payload = {
        "sub": user.id,  # the subject

        "role": user.role,  # last one
    }
    return jwt.encode(payload, key)


def one_line(user, key):
    return jwt.encode({"sub": user.id,}, key)
# output
from datetime import datetime, timedelta, timezone

import jwt


def issue(user, key):
    payload = {
        "sub": user.id,  # the subject

        "role": user.role,  # last one
        "exp": datetime.now(timezone.utc) + timedelta(minutes=15),
    }
    return jwt.encode(payload, key)


def one_line(user, key):
    return jwt.encode(
        {"sub": user.id, "exp": datetime.now(timezone.utc) + timedelta(minutes=15),},
        key,
    )
