"""zhijian audit verify [--checkpoint]: prove the audit chain intact; exit 1 on any break."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from rich.console import Console

from zhijian.core import audit
from zhijian.core.models import AuditEntry


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--checkpoint", action="store_true", help="校验通过后记录当前链头，以便日后发现尾部删除"
        )

    def handle(self, *args, action, checkpoint, **options):
        console = Console()
        total = AuditEntry.objects.count()
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("校验审计链", total=total)
            checked, breaks = audit.verify(progress=lambda n: bar.update(task, completed=n))
        if breaks:
            for b in breaks[:200]:
                console.print(f"[red]✗ {b.detail}[/red]")
            console.print(f"[red]审计链校验失败：{len(breaks)} 处异常（共 {checked} 条记录）[/red]")
            sys.exit(1)
        if checkpoint:
            audit.checkpoint()
        console.print(f"[green]审计链完整：{checked} 条记录校验通过[/green]")
