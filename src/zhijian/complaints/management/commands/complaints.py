"""zhijian complaints …: the batch operations of the 12315 app.

    zhijian complaints import FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]   # 全国12315平台导出
    zhijian complaints cluster [--start YYYY-MM-DD] [--end YYYY-MM-DD]              # 群体投诉聚类
    zhijian complaints flag-repeated                                                # 重复举报标记
    zhijian complaints release-odr [--today YYYY-MM-DD]                             # ODR期满转办
    zhijian complaints prune-throttle                                               # 清理限流计数

import exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhijian.core.access import cli_actor
from zhijian.core.jobs import cli_progress


class Command(BaseCommand):
    help = "12315投诉举报：import | cluster | flag-repeated | release-odr | prune-throttle"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入全国12315平台导出数据（XLSX/CSV）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        imp.add_argument("--report", help="把全部错误写入该XLSX文件")
        imp.add_argument("--as", dest="username", help="以该用户身份导入；缺省为系统操作员")
        cluster = sub.add_parser("cluster", help="计算群体投诉（同一被投诉人或商品、同一月份）")
        cluster.add_argument("--start", type=dt.date.fromisoformat)
        cluster.add_argument("--end", type=dt.date.fromisoformat)
        sub.add_parser("flag-repeated", help="标记同一来源的重复举报")
        odr = sub.add_parser("release-odr", help="ODR企业先行处理期满未和解的投诉转市场监管部门")
        odr.add_argument("--today", type=dt.date.fromisoformat)
        sub.add_parser("prune-throttle", help="清理一小时前的登记限流计数")

    def handle(self, *args, action, **options):
        name = {"import": "import_"}.get(action, action.replace("-", "_"))
        getattr(self, name)(**options)

    def import_(self, *, file, dry_run, report, username, **options):
        from zhijian.complaints.importing import import_cases
        from zhijian.complaints.services import NotAllowed
        from zhijian.registry.reports import print_outcome, write_issue_report

        actor = cli_actor(username)
        try:
            with cli_progress(f"导入 {Path(file).name}") as progress:
                result = import_cases(Path(file), actor=actor, dry_run=dry_run, progress=progress)
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc
        if report:
            write_issue_report(result, report)
        print_outcome(result, report_path=report)
        sys.exit(result.exit_code)

    def cluster(self, *, start, end, **options):
        from zhijian.complaints.duplicates import compute_clusters

        end = end or timezone.localdate()
        start = start or dt.date(end.year - 1, end.month, 1)
        began = time.perf_counter()
        made = compute_clusters(start=start, end=end)
        self.stdout.write(f"群体投诉 {made} 组（{start} 至 {end}，{time.perf_counter() - began:.1f} 秒）")

    def flag_repeated(self, **options):
        from zhijian.complaints.duplicates import flag_repeated_reports

        self.stdout.write(f"新标记重复举报 {flag_repeated_reports()} 件")

    def release_odr(self, *, today, **options):
        from zhijian.complaints.services.firms import release_overdue_odr

        moved = release_overdue_odr(actor=cli_actor(None), today=today or timezone.localdate())
        self.stdout.write(f"ODR期满转市场监管部门处理 {moved} 件")

    def prune_throttle(self, **options):
        from zhijian.complaints.models import IntakeThrottle

        cutoff = timezone.now() - dt.timedelta(hours=1)
        deleted, _ = IntakeThrottle.objects.filter(minute__lt=cutoff).delete()
        self.stdout.write(f"已清理限流计数 {deleted} 条")
