from sqlalchemy import func, select

from ..extensions import db
from ..models import OrderLine, Product


def bestsellers(limit: int = 40) -> list[Product]:
    stmt = (
        select(Product)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .group_by(Product.id)
        .order_by(func.sum(OrderLine.quantity).desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def products_in_category(slug: str, page: int = 1, per_page: int = 24) -> list[Product]:
    stmt = select(Product).where(Product.category_slug == slug).order_by(Product.name)
    return list(db.session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)))


def related_products(product_id: int) -> list[int]:
    product = db.session.get(Product, product_id)
    stmt = select(Product.id).where(Product.category_slug == product.category_slug, Product.id != product_id)
    return list(db.session.scalars(stmt.limit(50)))
