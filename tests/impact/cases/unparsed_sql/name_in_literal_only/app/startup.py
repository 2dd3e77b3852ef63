from django.db import connection


def column_type_on_mysql():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT VERSION(),
              (SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'status'
            """
        )
        return cursor.fetchone()
