from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        migrations.AddConstraint(  # depmap-expect: validating-constraint warning
            model_name="ticket",
            constraint=models.CheckConstraint(check=~models.Q(subject=""), name="ticket_subject_not_blank"),
        ),
        AddConstraintNotValid(
            model_name="ticket",
            constraint=models.CheckConstraint(check=models.Q(opened_at__isnull=False), name="ticket_opened_set"),
        ),
    ]
