"""Move orders older than a year to the archive table."""

from django.db import connection, transaction

ARCHIVE = """
    WITH old AS (
        SELECT * FROM orders WHERE placed_at < now() - interval '1 year'  -- depmap-expect: insert-select-star breaking
    )
    INSERT INTO orders_archive
    SELECT * FROM old
"""

ARCHIVE_COLUMNS = """
    INSERT INTO orders_archive (id, customer_id, status, total_cents, placed_at)
    SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE status = 'cancelled'
"""


@transaction.atomic
def archive_old_orders():
    with connection.cursor() as cursor:
        cursor.execute(ARCHIVE)
        cursor.execute(ARCHIVE_COLUMNS)
        cursor.execute("DELETE FROM orders WHERE placed_at < now() - interval '1 year'")


def archive_one(order_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_archive (id, customer_id, status, total_cents, placed_at) SELECT * FROM orders WHERE id = %s",  # depmap-expect: insert-select-star breaking
            [order_id],
        )
