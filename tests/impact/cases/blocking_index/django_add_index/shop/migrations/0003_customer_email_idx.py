from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("shop", "0002_order_indexes")]

    operations = [
        AddIndexConcurrently(
            model_name="customer",
            index=models.Index(fields=["email"], name="customer_email_idx"),
        ),
    ]
