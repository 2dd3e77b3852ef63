from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("customer_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=20, default="pending")),
                ("total_cents", models.IntegerField()),
                ("placed_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "orders", "managed": False},
        ),
    ]
