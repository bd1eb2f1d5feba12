import random
import string
import time

from .extensions import db
from .models import GiftCard, Order

GIFT_ALPHABET = string.ascii_uppercase + string.digits


def new_order_reference() -> str:
    return f"SF-{time.strftime('%Y%m%d')}-{random.randint(100000, 999999)}"


def place_order(user_id: int, total_cents: int) -> Order:
    order = Order(reference=new_order_reference(), user_id=user_id, total_cents=total_cents)
    db.session.add(order)
    db.session.commit()
    return order


def issue_gift_card(balance_cents: int) -> GiftCard:
    groups = ["".join(random.choices(GIFT_ALPHABET, k=4)) for _ in range(4)]
    card = GiftCard(code="-".join(groups), balance_cents=balance_cents)
    db.session.add(card)
    db.session.commit()
    return card
