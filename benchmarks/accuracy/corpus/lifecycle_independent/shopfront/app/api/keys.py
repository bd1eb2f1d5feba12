import secrets
from datetime import datetime, timezone

from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt_identity, jwt_required

from ..extensions import db
from ..models import MerchantApiKey

bp = Blueprint("merchant_keys", __name__)


@bp.post("/")
@jwt_required()
def create_key():
    merchant_id = get_jwt_identity()
    prefix = secrets.token_hex(4)
    raw_key = f"sf_{prefix}_{secrets.token_urlsafe(32)}"
    key = MerchantApiKey(
        merchant_id=merchant_id,
        label=request.json.get("label", "default"),
        prefix=prefix,
        key_hash=MerchantApiKey.digest(raw_key),
    )
    db.session.add(key)
    db.session.commit()
    return jsonify(id=key.id, prefix=prefix, key=raw_key), 201


@bp.delete("/<int:key_id>")
@jwt_required()
def revoke_key(key_id: int):
    key = db.session.get(MerchantApiKey, key_id)
    if key is None or key.merchant_id != get_jwt_identity():
        abort(404)
    key.revoked_at = datetime.now(timezone.utc)
    db.session.commit()
    return "", 204


@bp.post("/session")
def exchange_key_for_session():
    raw_key = request.headers.get("X-Api-Key", "")
    key = MerchantApiKey.query.filter_by(key_hash=MerchantApiKey.digest(raw_key), revoked_at=None).first()
    if key is None:
        abort(401)
    key.last_used_at = datetime.now(timezone.utc)
    db.session.commit()
    access = create_access_token(identity=key.merchant_id)
    refresh = create_refresh_token(identity=key.merchant_id)
    return jsonify(access_token=access, refresh_token=refresh)
