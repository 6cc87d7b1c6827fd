"""zhijian audit verify|sign-head|export-head: prove the audit chain, sign and publish its head.

``verify [--anchor FILE] [--public-key PEM]`` walks the chain and checks it against every signed
head, and against an archived head file; exit 1 on any break. ``sign-head [--if-due] [--out FILE]``
signs the current head with the configured key (run it daily from cron or a timer; ``--if-due``
signs only when the last head is older than ``ZHIJIAN_AUDIT_HEAD_HOURS``). ``export-head --out FILE``
writes the latest signed head as the file an auditor keeps.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress

from zhijian.core import audit, signing
from zhijian.core.models import AuditEntry


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链与签名链头；sign-head 签发链头；export-head 导出链头文件"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "sign-head", "export-head"])
        parser.add_argument("--anchor", help="verify：以存档的链头文件为锚校验")
        parser.add_argument("--public-key", help="verify：受信任的公钥文件（PEM）")
        parser.add_argument("--checkpoint", action="store_true", help="verify：校验通过后签发当前链头")
        parser.add_argument("--if-due", action="store_true", help="sign-head：仅在距上次签发已满间隔时签发")
        parser.add_argument("--out", help="sign-head / export-head：把链头写入此文件")

    def handle(self, *args, action, **options):
        self.console = Console()
        try:
            if action == "verify":
                self.verify(options)
            elif action == "sign-head":
                self.sign_head(options)
            else:
                self.export(audit.latest_signed_head(), options["out"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

    def verify(self, options):
        anchor = None
        if options["anchor"]:
            try:
                anchor = audit.load_head_document(Path(options["anchor"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                self.console.print(f"[red]✗ 存档链头文件无法使用：{exc}[/red]")
                sys.exit(1)
        trusted = None
        if options["public_key"]:
            public = signing.load_public_key(options["public_key"])
            trusted = {signing.key_id(public): public}
        total = AuditEntry.objects.count()
        with Progress(transient=True, console=self.console) as bar:
            task = bar.add_task("校验审计链", total=total)
            checked, breaks = audit.verify(
                progress=lambda n: bar.update(task, completed=n), anchor=anchor, trusted_keys=trusted
            )
        if breaks:
            for b in breaks[:200]:
                self.console.print(f"[red]✗ {b.detail}[/red]")
            self.console.print(f"[red]审计链校验失败：{len(breaks)} 处异常（共 {checked} 条记录）[/red]")
            sys.exit(1)
        if options["checkpoint"]:
            audit.sign_head()
        suffix = f"，与存档链头（第 {anchor['statement']['seq']} 条）一致" if anchor else ""
        self.console.print(f"[green]审计链完整：{checked} 条记录校验通过{suffix}[/green]")

    def sign_head(self, options):
        latest = audit.latest_signed_head()
        try:
            head = audit.sign_head_if_due(force=not options["if_due"])
        except audit.ChainBroken as exc:
            for b in exc.breaks[:50]:
                self.console.print(f"[red]✗ {b.detail}[/red]")
            raise CommandError(str(exc)) from None
        if head is None:
            if latest is not None and options["if_due"]:
                self.console.print(
                    f"距上次签发（{timezone.localtime(latest.at):%Y-%m-%d %H:%M}）未满间隔，未签发"
                )
            else:
                self.console.print("审计链为空，无需签发")
            return
        self.console.print(f"[green]已签发链头：第 {head.seq} 条，{head.hash}（密钥 {head.key_id}）[/green]")
        if options["out"]:
            self.export(head, options["out"])

    def export(self, head, out):
        if head is None:
            raise CommandError("尚无签名链头：请先运行 zhijian audit sign-head")
        text = json.dumps(audit.head_document(head), ensure_ascii=False, indent=2) + "\n"
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.console.print(f"链头文件已写入 {out}")
        else:
            self.stdout.write(text)
