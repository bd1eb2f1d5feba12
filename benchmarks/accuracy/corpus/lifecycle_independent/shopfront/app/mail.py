from flask import current_app, render_template
from flask_mail import Message

from .extensions import mail


def send_mail(to: str, subject: str, template: str, **context) -> None:
    body = render_template(template, **context)
    message = Message(subject, recipients=[to], body=body,
                      sender=current_app.config["MAIL_DEFAULT_SENDER"])
    mail.send(message)
