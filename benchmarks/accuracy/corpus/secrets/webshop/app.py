"""Storefront web application: app factory, configuration and a few routes."""
from __future__ import annotations

import logging
import os

from flask import Flask, jsonify, render_template, request
from flask_sqlalchemy import SQLAlchemy

from .payments import payments_bp
from .auth import auth_bp

db = SQLAlchemy()
log = logging.getLogger(__name__)


def create_app(testing: bool = False) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "GsNENd8t3wkQPbVBWnzD6LPIizuMy8kRkZOm2ZQ_0Ns"
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://shop:wjHpPo6Am5Zp3yewa6@db.internal:5432/shop"
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
    app.config["SESSION_COOKIE_NAME"] = "shop_session"
    app.config["REMEMBER_COOKIE_NAME"] = "remember_token"
    app.config["WTF_CSRF_FIELD_NAME"] = "csrf_token"
    app.config["MAIL_PASSWORD"] = os.environ.get("MAIL_PASSWORD")
    app.config["RECAPTCHA_PUBLIC_KEY"] = "6LLEqJNoQeQpeZTLNgdpTbJkAbcjj3-HEywgMSVL"
    app.config["RECAPTCHA_PRIVATE_KEY"] = "6Le-N3KfxQe3bugrDOS_KNG9FYUGZD1d_UHLFdp8"
    if testing:
        app.config["SECRET_KEY"] = "testing"
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///:memory:"
    db.init_app(app)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(payments_bp, url_prefix="/pay")
    return app


app = create_app(testing=os.environ.get("FLASK_TESTING") == "1")


@app.get("/health")
def health() -> object:
    return jsonify(status="ok")


@app.get("/account/password")
def password_page() -> str:
    return render_template("password.html", title="Change your password")


@app.post("/account/password")
def change_password() -> object:
    new_password = request.form["new_password"]
    confirm_password = request.form.get("confirm_password", "")
    if new_password != confirm_password:
        return jsonify(error="Passwords do not match"), 400
    log.info("password changed for user %s", request.remote_addr)
    return jsonify(status="changed")
