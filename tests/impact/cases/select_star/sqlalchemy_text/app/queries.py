"""Reporting queries written as SQLAlchemy text() statements."""

from sqlalchemy import create_engine, text

engine = create_engine("postgresql+psycopg2://shop@db/shop")

RECENT_ORDERS = text("SELECT * FROM orders WHERE placed_at > now() - interval '1 day'")  # depmap-expect: select-star warning


def order_payload(order_id):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": order_id}).mappings().one()  # depmap-expect: select-star warning
    return {"id": row["id"], "status": row["status"]}


def recent_orders():
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(RECENT_ORDERS).mappings()]


def order_tuple(order_id):
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": order_id})  # depmap-expect: select-star breaking
        oid, customer_id, status, total_cents, placed_at = result.one()
    return oid, status


def customer_emails():
    with engine.connect() as conn:
        return conn.execute(text("SELECT c.email FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.id)")).scalars().all()
