"""WTForms definitions; labels and messages are translated."""
from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

PASSWORD_HELP = _("Use at least 12 characters, mixing letters, digits and symbols.")


class LoginForm(FlaskForm):
    email = StringField(_("Email"), validators=[DataRequired()])
    password = PasswordField(_("Password"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_("Current password"))
    new_password = PasswordField(
        _("New password"),
        validators=[Length(min=12), EqualTo("confirm", message=_("Passwords must match"))],
    )
    confirm = PasswordField(_("Repeat password"))


class ApiTokenForm(FlaskForm):
    token_name = StringField(_("Token name"), default="my-laptop")
    token_scope = StringField(_("Scope"), default="read:orders")


MESSAGES = {
    "password_required": _("Enter your password"),
    "password_too_short": _("Your password must be at least %(n)d characters."),
    "token_expired": _("Your session token has expired, please sign in again."),
    "api_key_hint": _("Paste your API key here"),
}
