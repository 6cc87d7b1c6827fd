"""zhijian demo --scale demo|city --seed N: load a deterministic synthetic Ningbo.

Writes the generated register as CSV files under var/demo/ and loads them through the real import
path (so demo data obeys every rule real data does), then a later export with a few changes, so
that entities have a history; then runs every domain app's ``demo_loader`` (an ``AppConfig``
attribute naming a callable ``(*, seed, scale, console)``) in app order, then every app's
``demo_finisher`` (same signature: work that needs other apps' demo data, reached through hooks);
creates the demo accounts; on PostgreSQL, gathers the planner's statistics (ANALYZE) of the freshly
loaded tables.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string
from rich.console import Console

from zhijian.core.access import SystemActor
from zhijian.core.jobs import cli_progress
from zhijian.core.reference import load_city
from zhijian.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from zhijian.demo.generator import SCALES, EntityGenerator, changed_rows, write_csv
from zhijian.registry.importing import import_entities
from zhijian.registry.models import Entity


class Command(BaseCommand):
    help = "载入合成宁波演示数据"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--count", type=int, help="覆盖规模对应的主体数量")
        parser.add_argument("--no-accounts", action="store_true")

    def handle(self, *args, scale, seed, count, no_accounts, **options):
        if settings.MODE == "production" and not no_accounts:
            raise CommandError("生产模式下不创建演示账户：请设置 ZHIJIAN_MODE=demo，或使用 --no-accounts")
        console = Console()
        load_city("ningbo")
        count = count or SCALES[scale]
        folder = settings.VAR_DIR / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        rows = list(EntityGenerator(seed, count).rows())
        first, second = folder / f"register-{scale}-{seed}.csv", folder / f"register-{scale}-{seed}-later.csv"
        write_csv(first, rows)
        write_csv(second, changed_rows(rows, seed), encoding="gb18030")
        for path in (first, second):
            with cli_progress(f"导入 {path.name}") as progress:
                result = import_entities(path, actor=SystemActor("demo"), progress=progress)
            if not result.ok:
                raise CommandError(f"演示数据导入失败：{result.unreadable or result.issues[:5]}")
            console.print(
                f"{path.name}：新增 {result.created}，变更 {result.changed}，未变 {result.unchanged}"
            )
        for phase in ("demo_loader", "demo_finisher"):
            for config in apps.get_app_configs():
                loader = getattr(config, phase, None)
                if loader:
                    import_string(loader)(seed=seed, scale=scale, console=console)
        if not no_accounts:
            enterprise = (
                Entity.objects.filter(jurisdiction__code="330203", entity_type="llc", status="active")
                .order_by("uscc")
                .first()
            )
            for username, role, scope in create_demo_accounts(enterprise.uscc if enterprise else ""):
                console.print(f"  {username:<11} {role:<10} {scope}")
            console.print(f"演示账户密码均为：{DEMO_PASSWORD}")
        if connection.vendor == "postgresql":
            # Fresh tables have no statistics until autovacuum comes by (never, where it is off): the
            # planner would take every table for empty and choose its plans accordingly.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
