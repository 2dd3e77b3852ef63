import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AlterField(  # depmap-expect: blocking-index warning
            model_name="project",
            name="api_key",
            field=models.CharField(blank=True, db_index=True, max_length=128),
        ),
        migrations.AlterField(
            model_name="project",
            name="code",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        # already indexed: only the help text changes, nothing runs
        migrations.AlterField(
            model_name="project",
            name="name",
            field=models.CharField(blank=True, max_length=200, db_index=True, help_text="Shown on the dashboard"),
        ),
    ]
