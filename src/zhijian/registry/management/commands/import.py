"""zhijian import entities FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]

Exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhijian.registry.importing import import_entities
from zhijian.registry.reports import run_import_command


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
        run_import_command(import_entities, file, username=username, dry_run=dry_run, report=report)
