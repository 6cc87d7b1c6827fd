"""Proposals to enter the abnormal list (列入经营异常名录建议), raised by other domains' findings."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0004_history_archives_superseded_standings'),
        ('registry', '0003_leaner_indexes_bigram_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ListingProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('list', models.CharField(choices=[('abnormal', '经营异常名录'), ('serious', '严重违法失信名单'), ('red', '守信激励名单')], default='abnormal', max_length=10, verbose_name='名录')),
                ('ground', models.CharField(choices=[('annual_report', '未按照规定的期限公示年度报告'), ('instant_info', '未在责令的期限内公示即时信息'), ('false_info', '公示信息隐瞒真实情况、弄虚作假'), ('unreachable', '通过登记的住所或者经营场所无法联系'), ('abnormal_3y', '列入经营异常名录届满3年仍未履行相关义务'), ('serious_violation', '实施严重违法失信行为'), ('honoured', '守信激励（荣誉表彰）')], max_length=20, verbose_name='列入事由')),
                ('status', models.CharField(choices=[('open', '待确认'), ('confirmed', '已列入'), ('rejected', '不予列入'), ('withdrawn', '已撤回')], default='open', max_length=10, verbose_name='状态')),
                ('reason', models.CharField(max_length=300, verbose_name='建议列入说明')),
                ('source', models.CharField(max_length=40, verbose_name='来源')),
                ('source_ref', models.CharField(max_length=80, unique=True)),
                ('source_title', models.CharField(blank=True, max_length=200, verbose_name='来源事项')),
                ('finding', models.CharField(max_length=200, verbose_name='发现情况')),
                ('found_on', models.DateField(verbose_name='查实日期')),
                ('found_by', models.CharField(blank=True, max_length=100, verbose_name='发现机关')),
                ('verification_code', models.CharField(blank=True, max_length=16, verbose_name='核验码')),
                ('proposed_at', models.DateTimeField(auto_now_add=True, verbose_name='提出时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='处理时间')),
                ('decision_reason', models.CharField(blank=True, max_length=300, verbose_name='处理理由')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('entity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='listing_proposals', to='registry.entity')),
                ('entry', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='proposal', to='credit.listentry', verbose_name='列入的名录记录')),
            ],
            options={
                'verbose_name': '列入经营异常名录建议',
                'verbose_name_plural': '列入经营异常名录建议',
                'ordering': ['found_on', 'id'],
                'indexes': [models.Index(fields=['status', 'found_on'], name='credit_proposal_status'), models.Index(fields=['entity', 'status'], name='credit_proposal_entity')],
            },
        ),
    ]
