from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(  # depmap-expect: not-null-without-default breaking
            model_name="order",
            name="channel",
            field=models.CharField(default="web", max_length=10),
        ),
    ]
