from django.db import connection


def orders_with_code(code: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, total FROM sales_order WHERE code = %s", [code])  # depmap-expect: renamed-column-in-use breaking
        return cursor.fetchall()
