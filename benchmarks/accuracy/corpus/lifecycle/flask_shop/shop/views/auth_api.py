from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

from shop.models import User

bp = Blueprint("auth_api", __name__, url_prefix="/api/auth")
log = logging.getLogger("shop.auth")


@bp.post("/login")
def login():
    body = request.get_json(force=True)
    user = User.authenticate(body.get("email", ""), body.get("password", ""))
    if user is None:
        log.info("failed login for %s", body.get("email"))
        abort(401)
    access = create_access_token(identity=str(user.id), additional_claims={"roles": user.roles})
    refresh = create_refresh_token(identity=str(user.id))
    log.info("issued tokens for user %s (access %d chars)", user.id, len(access))
    return jsonify(access_token=access, refresh_token=refresh, token_type="Bearer")


@bp.post("/kiosk-token")
@jwt_required()
def kiosk_token():
    claims = get_jwt()
    if "admin" not in claims.get("roles", []):
        abort(403)
    token = create_access_token(identity=request.json["device_id"], expires_delta=False)
    log.debug("kiosk token minted: %s", token)
    return jsonify(access_token=token)


@bp.post("/refresh")
@jwt_required(refresh=True)
def refresh():
    identity = get_jwt_identity()
    access = create_access_token(identity=identity, expires_delta=timedelta(minutes=10))
    return jsonify(access_token=access)


@bp.get("/whoami")
@jwt_required()
def whoami():
    claims = get_jwt()
    log.info("whoami jti=%s sub=%s", claims["jti"], claims["sub"])
    return jsonify(sub=claims["sub"], admin="admin" in claims.get("roles", []))


@bp.post("/device")
@jwt_required()
def device_pairing():
    device_id = request.json["device_id"]
    refresh = create_refresh_token(identity=device_id, expires_delta=False)
    log.info("paired device %s", device_id)
    return jsonify(refresh_token=refresh)
