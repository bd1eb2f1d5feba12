import random
import zlib

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..extensions import cache
from .queries import bestsellers, products_in_category, related_products

bp = Blueprint("catalog", __name__)

BANNER_COLOURS = ["#f4a261", "#2a9d8f", "#e76f51", "#264653"]
HOMEPAGE_VARIANTS = ("grid", "carousel")


def homepage_variant(user_id: int | None) -> str:
    if user_id is None:
        return random.choice(HOMEPAGE_VARIANTS)
    bucket = zlib.crc32(str(user_id).encode()) % 100
    return "carousel" if bucket < 20 else "grid"


@bp.route("/")
def home():
    picks = random.sample(bestsellers(limit=40), k=8)
    variant = homepage_variant(current_user.get_id())
    colour = random.choice(BANNER_COLOURS)
    return render_template("catalog/home.html", picks=picks, variant=variant, colour=colour)


@bp.route("/c/<slug>")
def category(slug: str):
    products = list(products_in_category(slug, page=int(request.args.get("page", 1))))
    if request.args.get("sort") == "surprise":
        random.shuffle(products)
    return render_template("catalog/category.html", products=products)


@cache.memoize(timeout=600)
def also_bought(product_id: int) -> list[int]:
    related = related_products(product_id)
    return random.sample(related, k=min(4, len(related)))
