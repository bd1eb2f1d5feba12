import jwt


def read(token, key):
    return jwt.decode(
        token,
        key,
        algorithms=["HS256"],
        options={"verify_aud": False, "verify_exp": False},
    )
# output
import jwt


def read(token, key):
    return jwt.decode(
        token,
        key,
        algorithms=["HS256"],
        options={"verify_aud": False},
    )
