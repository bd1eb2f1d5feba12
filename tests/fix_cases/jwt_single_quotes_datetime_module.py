import datetime
import jwt


def token_for(user, key):
    return jwt.encode({'sub': user.id, 'iat': datetime.datetime.now()}, key)
# output
import datetime
import jwt


def token_for(user, key):
    return jwt.encode(
        {
            'sub': user.id,
            'iat': datetime.datetime.now(),
            'exp': datetime.datetime.now(
                datetime.timezone.utc
            ) + datetime.timedelta(minutes=15),
        },
        key,
    )
