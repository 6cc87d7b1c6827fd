"""zhijian events status|dead|replay: the outbox relay's state, its dead letters, and replaying them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from rich.console import Console
from rich.table import Table

from zhijian.core import events
from zhijian.core.models import EventDelivery, OutboxEvent


class Command(BaseCommand):
    help = "领域事件：status 查看投递状态；dead 列出死信；replay 重新投递死信"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "dead", "replay"])
        parser.add_argument(
            "--id", type=int, action="append", default=[], help="只重放这些投递编号（可多次）"
        )
        parser.add_argument("--topic", default="", help="只重放该主题")
        parser.add_argument("--subscriber", default="", help="只重放该订阅者")
        parser.add_argument("--all", action="store_true", help="重放全部死信")

    def handle(self, *args, action, id, topic, subscriber, all, **options):  # noqa: A002
        console = Console()
        if action == "status":
            table = Table("订阅者", "已完成", "待投递", "重试中", "死信")
            rows = EventDelivery.objects.values("subscriber").annotate(
                done=Count("id", filter=Q(done=True)),
                pending=Count("id", filter=Q(done=False, dead=False, attempts=0)),
                retrying=Count("id", filter=Q(done=False, dead=False, attempts__gt=0)),
                dead=Count("id", filter=Q(dead=True)),
            )
            for row in rows.order_by("subscriber"):
                table.add_row(
                    row["subscriber"], *(str(row[k]) for k in ("done", "pending", "retrying", "dead"))
                )
            console.print(table)
            waiting = OutboxEvent.objects.filter(fanned_out=False).count()
            console.print(f"尚未分发的事件：{waiting}")
            return
        if action == "dead":
            table = Table("投递编号", "事件", "主题", "订阅者", "尝试次数", "转入死信时间", "最后错误")
            for d in events.dead_letters().order_by("id")[:500]:
                last = (d.last_error.strip().splitlines() or [""])[-1][:80]
                table.add_row(
                    str(d.pk),
                    str(d.event_id),
                    d.event.topic,
                    d.subscriber,
                    str(d.attempts),
                    f"{d.dead_at:%Y-%m-%d %H:%M}",
                    last,
                )
            console.print(table)
            return
        if not (id or topic or subscriber or all):
            raise CommandError("请指定要重放的死信：--id、--topic、--subscriber 或 --all")
        count = events.replay(ids=id, topic=topic, subscriber_name=subscriber)
        console.print(f"已将 {count} 条死信放回投递队列")
