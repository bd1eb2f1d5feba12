from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer


def _timed_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"])


def generate_confirmation_token(email: str) -> str:
    return _timed_serializer().dumps(email, salt=current_app.config["SECURITY_PASSWORD_SALT"])


def confirm_token(token: str) -> str | None:
    try:
        return _timed_serializer().loads(
            token,
            salt=current_app.config["SECURITY_PASSWORD_SALT"],
            max_age=current_app.config["CONFIRM_LINK_MAX_AGE"],
        )
    except (SignatureExpired, BadSignature):
        return None


def generate_reset_token(user_id: int) -> str:
    return _timed_serializer().dumps({"uid": user_id}, salt="password-reset")


def load_reset_token(token: str) -> int | None:
    try:
        data = _timed_serializer().loads(token, salt="password-reset")
    except BadSignature:
        return None
    return int(data["uid"])


def make_email_change_token(user_id: int, new_email: str) -> str:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="email-change")
    return serializer.dumps({"uid": user_id, "email": new_email})


def read_email_change_token(token: str) -> dict | None:
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="email-change")
    try:
        return serializer.loads(token)
    except BadSignature:
        return None


def encode_cursor(last_id: int, page_size: int) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cursor").dumps([last_id, page_size])


def decode_cursor(cursor: str) -> tuple[int, int]:
    last_id, page_size = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cursor").loads(cursor)
    return int(last_id), int(page_size)
