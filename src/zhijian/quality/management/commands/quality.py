"""zhijian quality …: the batch operations of quality infrastructure.

    zhijian quality load-reference                       # the 2020 campaign with 附件1's quotas (seed 002)
    zhijian quality import-standards FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]
    zhijian quality remind [--today YYYY-MM-DD]          # progress-report reminders (run daily)
    zhijian quality report-summary YEAR half|annual OUT.xlsx|OUT.pdf

import-standards exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhijian.core.access import SystemActor
from zhijian.core.errors import DomainError
from zhijian.core.jobs import cli_progress
from zhijian.core.models import User


class Command(BaseCommand):
    help = "质量基础设施：load-reference | import-standards | remind | report-summary"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-reference", help="载入2020年对标达标专项行动及附件1配额")
        imp = sub.add_parser("import-standards", help="导入标准清单（XLSX/CSV）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        imp.add_argument("--report", help="把全部错误写入该XLSX文件")
        imp.add_argument("--as", dest="username", help="以该用户身份导入；缺省为系统操作员")
        remind = sub.add_parser("remind", help="向即将到期或逾期未报送进展情况报表的单位发送提醒")
        remind.add_argument("--today", type=dt.date.fromisoformat)
        summary = sub.add_parser("report-summary", help="导出全市进展情况汇总（XLSX或PDF）")
        summary.add_argument("year", type=int)
        summary.add_argument("period", choices=["half", "annual"])
        summary.add_argument("out")

    def handle(self, *args, action, **options):
        try:
            getattr(self, action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def load_reference(self, **options):
        from zhijian.quality.reference import load_campaign_2020

        campaign = load_campaign_2020(SystemActor("cli"))
        self.stdout.write(f"已载入{campaign.title}：{campaign.quotas.count()} 个单位，配额合计 120 家")

    def import_standards(self, *, file, dry_run, report, username, **options):
        from zhijian.quality.importing import import_standards
        from zhijian.registry.reports import print_outcome, write_issue_report

        actor = SystemActor("cli")
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{username}”不存在或已停用")
        with cli_progress(f"导入 {Path(file).name}") as progress:
            result = import_standards(Path(file), actor=actor, dry_run=dry_run, progress=progress)
        if report:
            write_issue_report(result, report)
        print_outcome(result, report_path=report)
        sys.exit(result.exit_code)

    def remind(self, *, today, **options):
        from zhijian.quality.services import send_reminders

        sent = send_reminders(actor=SystemActor("cli"), on=today)
        self.stdout.write(f"已发送进展情况报表提醒 {sent} 条")

    def report_summary(self, *, year, period, out, **options):
        from zhijian.quality import exports
        from zhijian.quality.services.reports import city_summary

        summary = city_summary(year, period)
        path = Path(out)
        content = (
            exports.summary_pdf(summary) if path.suffix.lower() == ".pdf" else exports.summary_xlsx(summary)
        )
        path.write_bytes(content)
        self.stdout.write(
            f"已导出 {path}（已报送 {summary['submitted']} 个单位，逾期 {summary['overdue']} 个）"
        )
