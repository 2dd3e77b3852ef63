# Added by hand to ship before the model change: the column exists, Order does not know it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE orders_order ADD COLUMN gift_message text",
            reverse_sql="ALTER TABLE orders_order DROP COLUMN gift_message",
        ),
    ]
