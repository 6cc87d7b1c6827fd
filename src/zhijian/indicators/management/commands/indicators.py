"""zhijian indicators load | compute --from-year Y --to-year Y [--engine database|spark|duckdb]"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from zhijian.core.analytics import duckdb_engine, spark_engine

from ...catalogue import load_catalogue
from ...tasks import recompute


class Command(BaseCommand):
    help = "规划指标：载入指标目录；重新计算计算指标"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入指标目录（四份规划文件，幂等）")
        compute = sub.add_parser("compute", help="按月、按年重新计算全部计算指标")
        compute.add_argument("--from-year", type=int, required=True)
        compute.add_argument("--to-year", type=int, required=True)
        compute.add_argument("--engine", choices=["database", "spark", "duckdb"], default="database")

    def handle(self, *args, action, **options):
        if action == "load":
            self.stdout.write(f"载入指标 {load_catalogue()} 项")
            return
        began = time.perf_counter()
        first, last = options["from_year"], options["to_year"]
        if options["engine"] == "database":
            rows = recompute(first, last)
        else:
            factory = spark_engine if options["engine"] == "spark" else duckdb_engine
            with factory() as engine:
                rows = recompute(first, last, engine=engine)
        self.stdout.write(f"计算值 {rows} 条，用时 {time.perf_counter() - began:.1f} 秒")
