from django.db import migrations


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orders WHERE total_cents IS NULL")
        for oid, customer_id, status, total_cents, placed_at in cursor.fetchall():
            cursor.execute("UPDATE orders SET total_cents = 0 WHERE id = %s", [oid])


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
