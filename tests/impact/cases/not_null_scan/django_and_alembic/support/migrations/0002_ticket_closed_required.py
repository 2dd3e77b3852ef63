from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [
        migrations.AlterField(  # depmap-expect: not-null-scan warning
            model_name="ticket",
            name="closed_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="subject",
            field=models.CharField(max_length=300),
        ),
    ]
