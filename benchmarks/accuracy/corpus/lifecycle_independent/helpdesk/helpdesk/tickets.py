import hashlib
import random
import secrets
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, jsonify, request, url_for

from .db import Ticket, db
from .mailer import notify

bp = Blueprint("tickets", __name__)


def guest_access_key() -> str:
    return hashlib.md5(str(random.random()).encode()).hexdigest()


def reply_token() -> str:
    return str(random.random())[2:]


def attachment_key(ticket_id: int) -> str:
    random.seed(ticket_id)
    return "%016x" % random.getrandbits(64)


@bp.post("/tickets")
def open_ticket():
    data = request.get_json()
    ticket = Ticket(
        subject=data["subject"][:200],
        requester_email=data["email"],
        guest_key=guest_access_key(),
        reply_token=reply_token(),
        opened_at=time.time(),
    )
    db.session.add(ticket)
    db.session.commit()
    notify(ticket.requester_email, "ticket_opened",
           link=url_for("tickets.guest_view", key=ticket.guest_key, _external=True),
           reply_to=f"reply+{ticket.reply_token}@help.example.com")
    return jsonify(id=ticket.id), 201


@bp.get("/t/<key>")
def guest_view(key: str):
    ticket = Ticket.query.filter_by(guest_key=key).first_or_404()
    return jsonify(subject=ticket.subject, status=ticket.status)


@bp.post("/tickets/<int:ticket_id>/share")
def share_ticket(ticket_id: int):
    ticket = Ticket.query.get_or_404(ticket_id)
    ticket.share_token = secrets.token_urlsafe(12)
    ticket.share_expires_at = datetime.now(timezone.utc) + timedelta(days=7)
    db.session.commit()
    return jsonify(url=url_for("tickets.shared_view", token=ticket.share_token, _external=True))


@bp.get("/s/<token>")
def shared_view(token: str):
    ticket = Ticket.query.filter_by(share_token=token).first()
    if ticket is None or ticket.share_expires_at < datetime.now(timezone.utc):
        abort(404)
    return jsonify(subject=ticket.subject, messages=[m.body for m in ticket.messages])


def pick_agent(agent_ids: list[int]) -> int:
    return random.choice(agent_ids)
