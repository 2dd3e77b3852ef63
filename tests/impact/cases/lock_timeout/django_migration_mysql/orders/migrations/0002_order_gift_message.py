from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.AddField(  # depmap-expect: lock-timeout warning
            model_name="order",
            name="gift_message",
            field=models.TextField(blank=True, null=True),
        ),
    ]
