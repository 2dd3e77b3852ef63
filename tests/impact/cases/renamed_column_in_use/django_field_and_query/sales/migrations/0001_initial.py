from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("number", models.CharField(max_length=32, unique=True)),
                ("code", models.CharField(blank=True, default="", max_length=16)),
                ("total", models.DecimalField(decimal_places=2, max_digits=12)),
            ],
        ),
    ]
