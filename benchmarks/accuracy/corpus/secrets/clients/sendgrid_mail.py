"""Transactional e-mail through SendGrid and Mailgun."""
from __future__ import annotations

import os

import requests
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail

sg = SendGridAPIClient("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")
sg_env = SendGridAPIClient(api_key=os.environ.get("SENDGRID_API_KEY"))
MAILGUN_DOMAIN = "mg.shop.example.com"
MAILGUN_API_KEY = "key-6b4ab3363fc27f1d2fffbecdafbb2ac6"
SENDGRID_KEY_PLACEHOLDER = "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"


def send(to: str, subject: str, html: str) -> None:
    sg.send(Mail(from_email="noreply@shop.example.com", to_emails=to, subject=subject, html_content=html))


def send_mailgun(to: str, subject: str, text: str) -> None:
    requests.post(
        f"https://api.mailgun.net/v3/{MAILGUN_DOMAIN}/messages",
        auth=("api", MAILGUN_API_KEY),
        data={"from": f"Shop <noreply@{MAILGUN_DOMAIN}>", "to": to, "subject": subject, "text": text},
        timeout=10,
    )


def password_reset_mail(to: str, link: str) -> Mail:
    return Mail(
        from_email="noreply@shop.example.com",
        to_emails=to,
        subject="Reset your password",
        html_content=f'<a href="{link}">Choose a new password</a>',
    )
