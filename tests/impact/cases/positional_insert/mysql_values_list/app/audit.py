"""Audit trail of the order service."""

from app.db import connection


def record(entity, entity_id, action):
    with connection() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO audit_log VALUES (NULL, %s, %s, %s, NOW())",  # depmap-expect: positional-insert breaking
            (entity, entity_id, action),
        )


def record_many(events):
    with connection() as conn, conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO audit_log  -- depmap-expect: positional-insert breaking
            VALUES (NULL, %(entity)s, %(entity_id)s, %(action)s, %(at)s)
            """,
            events,
        )


def record_login(user_id):
    # Explicit column list: unaffected by a new column.
    with connection() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO audit_log (entity, entity_id, action, logged_at) VALUES ('user', %s, 'login', NOW())",
            (user_id,),
        )


def record_failed_login(user_id, ip):
    # Positional, but into another table: login_attempts does not gain the column.
    with connection() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO login_attempts VALUES (%s, %s, NOW())", (user_id, ip))
