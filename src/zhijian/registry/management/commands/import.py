"""zhijian import entities FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]

Exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhijian.core.access import SystemActor
from zhijian.core.jobs import cli_progress
from zhijian.core.models import User
from zhijian.registry.importing import PermissionDenied, import_entities
from zhijian.registry.reports import print_outcome, write_issue_report


class Command(BaseCommand):
    help = "导入数据：zhijian import entities FILE [--dry-run] [--report OUT.xlsx]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["entities"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--report", help="把全部错误写入该XLSX文件")
        parser.add_argument(
            "--as", dest="username", help="以该用户身份导入（按其辖区校验）；缺省为系统操作员"
        )

    def handle(self, *args, kind, file, dry_run, report, username, **options):
        actor = SystemActor("cli")
        if username:
            actor = User.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{username}”不存在或已停用")
        try:
            with cli_progress(f"导入 {Path(file).name}") as progress:
                result = import_entities(Path(file), actor=actor, dry_run=dry_run, progress=progress)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if report:
            write_issue_report(result, report)
        print_outcome(result, report_path=report)
        sys.exit(result.exit_code)
