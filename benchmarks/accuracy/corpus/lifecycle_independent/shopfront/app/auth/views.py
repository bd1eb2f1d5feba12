import hashlib
import random
import string
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user

from ..extensions import cache, db, store
from ..mail import send_mail
from ..models import LoginLink, User
from .tokens import generate_confirmation_token

bp = Blueprint("auth", __name__)

ALPHABET = string.ascii_letters + string.digits
RESET_KEY = "pwreset:{}"


def _new_reset_code() -> str:
    return "".join(random.choice(ALPHABET) for _ in range(32))


@bp.route("/forgot", methods=["POST"])
def forgot_password():
    user = User.query.filter_by(email=request.form["email"].strip().lower()).first()
    if user is not None:
        code = _new_reset_code()
        store.set(RESET_KEY.format(code), user.id)
        link = url_for("auth.reset_password", code=code, _external=True)
        send_mail(user.email, "Reset your password", "mail/reset.txt", link=link)
    flash("If that address exists, we sent a link to it.")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<code>", methods=["GET", "POST"])
def reset_password(code: str):
    user_id = store.get(RESET_KEY.format(code))
    if user_id is None:
        abort(404)
    if request.method == "POST":
        user = db.session.get(User, int(user_id))
        user.set_password(request.form["password"])
        db.session.commit()
        store.delete(RESET_KEY.format(code))
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", code=code)


@bp.route("/signup", methods=["POST"])
def signup():
    user = User(email=request.form["email"].strip().lower())
    user.set_password(request.form["password"])
    db.session.add(user)
    db.session.commit()
    token = generate_confirmation_token(user.email)
    send_mail(user.email, "Confirm your account", "mail/confirm.txt",
              link=url_for("auth.confirm", token=token, _external=True))
    return redirect(url_for("auth.check_inbox"))


@bp.route("/magic-link", methods=["POST"])
def request_magic_link():
    email = request.form["email"].strip().lower()
    user = User.query.filter_by(email=email).first_or_404()
    token = hashlib.md5(f"{email}{time.time()}".encode()).hexdigest()
    cache.set(f"magic:{token}", user.id, timeout=0)
    send_mail(email, "Your sign-in link", "mail/magic.txt",
              link=url_for("auth.magic_login", token=token, _external=True))
    return redirect(url_for("auth.check_inbox"))


@bp.route("/magic/<token>")
def magic_login(token: str):
    user_id = cache.get(f"magic:{token}")
    if user_id is None:
        abort(404)
    cache.delete(f"magic:{token}")
    login_user(db.session.get(User, user_id))
    return redirect(url_for("catalog.home"))


@bp.route("/login-link", methods=["POST"])
def email_login_link():
    user = User.query.filter_by(email=request.form["email"].strip().lower()).first_or_404()
    link = LoginLink(
        user_id=user.id,
        token=LoginLink.new_token(),
        expires_at=datetime.now(timezone.utc) + timedelta(minutes=15),
    )
    db.session.add(link)
    db.session.commit()
    send_mail(user.email, "Sign in", "mail/login_link.txt",
              link=url_for("auth.use_login_link", token=link.token, _external=True))
    current_app.logger.info("login link issued for user %s", user.id)
    return redirect(url_for("auth.check_inbox"))
