from django.db import connection


def daily_totals(day):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date(created_at), sum(total) FORM orders_order WHERE date(created_at) = %s GROUP BY 1",  # depmap-expect: unparsed-sql info
            [day],
        )
        return cursor.fetchall()
