from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        AddIndexConcurrently(  # depmap-expect: concurrent-index-in-transaction breaking
            model_name="ticket",
            index=models.Index(fields=["opened_at"], name="ticket_opened_idx"),
        ),
    ]
