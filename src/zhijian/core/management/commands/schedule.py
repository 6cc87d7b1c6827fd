"""zhijian schedule [list|tick|run NAME]: the apps' scheduled jobs, their last runs, running one now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from zhijian.core import schedule
from zhijian.core.models import ScheduledRun


class Command(BaseCommand):
    help = "定时任务：list 列出任务及最近一次运行；tick 运行到期的任务（供 cron 使用）；run 名称 立即运行一个"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="list", choices=["list", "tick", "run"])
        parser.add_argument("name", nargs="?", default="", help="run 的任务名")

    def handle(self, *args, action, name, **options):
        console = Console()
        if action == "run":
            if not name:
                raise CommandError("请给出任务名，例如：zhijian schedule run equipment.daily")
            try:
                record = schedule.run_now(name)
            except KeyError as exc:
                raise CommandError(exc.args[0]) from None
            self._report(console, [record])
            if record.status == ScheduledRun.Status.FAILED:
                raise CommandError(f"{name} 运行失败：{record.message}")
            return
        if action == "tick":
            self._report(console, schedule.run_due())
            return
        latest = schedule.latest_runs()
        table = Table("任务", "说明", "时间", "最近一次", "状态", "结果")
        for job in schedule.jobs().values():
            last = latest.get(job.name)
            table.add_row(
                job.name,
                job.description,
                job.when,
                timezone.localtime(last.started_at).strftime("%Y-%m-%d %H:%M") if last else "—",
                last.get_status_display() if last else "未运行",
                (last.message or _short(last.result)) if last else "",
            )
        console.print(table)

    def _report(self, console: Console, records: list[ScheduledRun]) -> None:
        if not records:
            console.print("没有到期的任务")
        for record in records:
            console.print(
                f"{record.job}（{record.slot}）：{record.get_status_display()} {record.message or _short(record.result)}"
            )


def _short(result) -> str:
    text = "" if result is None else str(result)
    return text if len(text) <= 120 else text[:117] + "…"
