from sqlalchemy import text

from billing.db import engine


def issue(invoice_id, customer_id, total_cents):
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO invoices VALUES (:id, :customer_id, :total, now())"),  # depmap-expect: positional-insert breaking
            {"id": invoice_id, "customer_id": customer_id, "total": total_cents},
        )


def totals(customer_id):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT sum(total_cents) FROM invoices WHERE customer_id = :c"), {"c": customer_id}
        ).scalar()
