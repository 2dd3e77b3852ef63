from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=20, unique=True)),
                ("email", models.EmailField(max_length=254)),
                ("status", models.CharField(default="pending", max_length=16)),
                ("total", models.DecimalField(decimal_places=2, default=Decimal("0.00"), max_digits=12)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO orders_order (number, email, status, total, created_at) "
            "VALUES ('SO-0000', 'ops@example.com', 'paid', 0, now())",
            reverse_sql="DELETE FROM orders_order WHERE number = 'SO-0000'",
        ),
    ]
