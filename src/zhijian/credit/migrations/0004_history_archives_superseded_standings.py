"""Class history keeps superseded standings: add ``superseded_at``, drop what the standing does not have."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_rules_and_first_model")]

    operations = [
        migrations.RemoveField(model_name="classification", name="previous_class"),
        migrations.RemoveField(model_name="classification", name="run"),
        migrations.RemoveField(model_name="classification", name="trigger"),
        migrations.AddField(
            model_name="classification",
            name="superseded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="被取代时间"),
            preserve_default=False,
        ),
    ]
