import smtplib
from email.message import EmailMessage

from flask import current_app, render_template


def notify(to: str, template: str, **context) -> None:
    message = EmailMessage()
    message["To"] = to
    message["From"] = current_app.config["HELPDESK_FROM"]
    message["Subject"] = render_template(f"mail/{template}.subject.txt", **context).strip()
    message.set_content(render_template(f"mail/{template}.txt", **context))
    with smtplib.SMTP(current_app.config["SMTP_HOST"], 587) as smtp:
        smtp.starttls()
        smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
        smtp.send_message(message)
