from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("support", "0001_initial")]

    operations = [
        AddIndexConcurrently(
            model_name="ticket",
            index=models.Index(fields=["subject"], name="ticket_subject_idx"),
        ),
    ]
