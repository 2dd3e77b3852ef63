from sqlalchemy import text

from catalog.db import engine


def product_page(sku):
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT p.id, p.name, p.price_cents FROM products p WHERE p.sku = :sku"),
            {"sku": sku},
        ).one_or_none()
    return row
