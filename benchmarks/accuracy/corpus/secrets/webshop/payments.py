"""Stripe checkout for the storefront."""
from __future__ import annotations

import os

import stripe
from flask import Blueprint, current_app, jsonify, request

payments_bp = Blueprint("payments", __name__)

stripe.api_key = "sk_live_4RhAdROkYQ4stVTJLl9ljr33UU5hUrTK6T9c6y3G7WR3SaY8"
STRIPE_PUBLISHABLE_KEY = "pk_live_pxd7Nh1kzQImDIVg0YWNNsyFzslb60APTM79UDDehecsQQyO"
STRIPE_PUBLISHABLE_KEY_TEST = "pk_test_pVhqIfwXi0mo67iw5aV9HhybR7DFNkDEQHe5Q650scTAkaIl"
STRIPE_WEBHOOK_SECRET = "whsec_6Me6qiVb2AEPc6JMsvENMekfCUSoC9rA"
STRIPE_API_VERSION = "2024-06-20"
STRIPE_SECRET_KEY_ENV = "STRIPE_SECRET_KEY"
STRIPE_RESTRICTED_KEY = os.getenv("STRIPE_RESTRICTED_KEY", "")


@payments_bp.post("/checkout")
def checkout() -> object:
    session = stripe.checkout.Session.create(
        mode="payment",
        line_items=request.json["items"],
        success_url="https://shop.example.com/thanks?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://shop.example.com/cart",
    )
    return jsonify(id=session.id, publishable_key=STRIPE_PUBLISHABLE_KEY)


@payments_bp.post("/webhook")
def webhook() -> object:
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    event = stripe.Webhook.construct_event(payload, signature, STRIPE_WEBHOOK_SECRET)
    current_app.logger.info("stripe event %s", event["type"])
    return jsonify(received=True)


def refund(charge_id: str) -> None:
    client = stripe.StripeClient("rk_live_ks4QBbadGtKC4TbLQQ6uRQVVIj4Hw3X15W4YGKPNj3HISFCn")
    client.refunds.create(params={"charge": charge_id})
