from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        migrations.AddConstraint(  # depmap-expect: unique-constraint-build warning
            model_name="ticket",
            constraint=models.UniqueConstraint(fields=["subject", "opened_at"], name="ticket_subject_opened_uniq"),
        ),
    ]
