"""Inspection objects other than market entities (抽查对象): a task and its draws name their kind;
special-equipment user units come from the equipment app's provider (docs/inspections-draw.md §1a)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0004_draw_v2'),
    ]

    operations = [
        migrations.AddField(
            model_name='draw',
            name='object_kind',
            field=models.CharField(choices=[('entities', '市场主体'), ('special_equipment', '特种设备使用单位')], default='entities', max_length=30, verbose_name='抽查对象'),
        ),
        migrations.AddField(
            model_name='task',
            name='object_kind',
            field=models.CharField(choices=[('entities', '市场主体'), ('special_equipment', '特种设备使用单位')], default='entities', max_length=30, verbose_name='抽查对象'),
        ),
        migrations.AddField(
            model_name='task',
            name='ratio_basis',
            field=models.TextField(blank=True, verbose_name='比例说明'),
        ),
        migrations.AlterField(
            model_name='task',
            name='ratios',
            field=models.JSONField(verbose_name='各类别抽查比例'),
        ),
    ]
