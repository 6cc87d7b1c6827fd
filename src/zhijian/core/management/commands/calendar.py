"""zhijian calendar load FILE --year Y --source "国办发明电〔…〕": load a year's holiday notice.

FILE lists the days that differ from the plain week, one per line: ``YYYY-MM-DD,休|班,name``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhijian.core.access import SystemActor
from zhijian.core.views import parse_notice_lines
from zhijian.core.workdays import NoticeError, load_notice


class Command(BaseCommand):
    help = "工作日历：load 载入年度放假安排"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--source", required=True, help="通知文号")

    def handle(self, *args, action, file, year, source, **options):
        try:
            days = parse_notice_lines(Path(file).read_text(encoding="utf-8-sig"))
            recomputed = load_notice(actor=SystemActor("cli"), year=year, source=source, days=days)
        except (OSError, NoticeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已载入{year}年放假安排（{len(days)}天），重算临时期限{recomputed}个")
