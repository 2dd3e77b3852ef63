"""Card payments and the audit trail."""

from __future__ import annotations

from psycopg import Connection


def record_payment(
    conn: Connection, order_id: int, provider: str, provider_ref: str, amount_cents: int
) -> int:
    """Store an authorized payment for an order and return its id."""
    with conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO payments (order_id, provider, provider_ref, amount_cents)
            VALUES (%s, %s, %s, %s)
            RETURNING id
            """,
            (order_id, provider, provider_ref, amount_cents),
        )
        (payment_id,) = cur.fetchone()
    return payment_id


def apply_webhook(
    conn: Connection,
    order_id: int,
    provider: str,
    provider_ref: str,
    amount_cents: int,
    status: str,
) -> None:
    """Apply a provider status callback; providers retry, so this must be idempotent."""
    with conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO payments (order_id, provider, provider_ref, amount_cents, status)
            VALUES (%(order_id)s, %(provider)s, %(ref)s, %(amount)s, %(status)s)
            ON CONFLICT (provider, provider_ref)
            DO UPDATE SET status = EXCLUDED.status
            """,
            {
                "order_id": order_id,
                "provider": provider,
                "ref": provider_ref,
                "amount": amount_cents,
                "status": status,
            },
        )


def provider_refs(conn: Connection, order_id: int) -> list[str]:
    """The provider references of an order's payments, oldest first."""
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM payments WHERE order_id = %s ORDER BY created_at", (order_id,))
        return [row[3] for row in cur.fetchall()]


def refund(conn: Connection, payment_id: int) -> bool:
    """Mark a captured payment as refunded; False if it was not captured."""
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE payments SET status = 'refunded' WHERE id = %s AND status = 'captured'",
            (payment_id,),
        )
        return cur.rowcount == 1


def audit(conn: Connection, entity: str, entity_id: int, action: str) -> None:
    """Append one line to the audit trail."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO audit_log VALUES (%s, %s, %s, now())", (entity, entity_id, action))
