"""zhijian warnings …: the batch operations of the early-warning platform (风险预警).

    zhijian warnings detect-series --method {farrington,farrington-improved,ears-c1,ears-c2,ears-c3,cusum}
                                   --input series.csv --output alarms.csv [--first-week N]
                                   [--alpha A] [--years-back B] [--workers W]

detect-series runs any detector on any series file (also for outside scoring): ``series.csv`` has
columns ``series,week,count``; ``alarms.csv`` gets ``series,week,alarm,upperbound`` for every week
from N (default: the method's first week with enough history) to each series' end, alarm 1/0 or
NA. Every core is used (``--workers`` to limit). Exit codes: 0 done, 2 unreadable or invalid file.
"""

from __future__ import annotations

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "风险预警：detect-series（对序列文件运行检测算法）"

    def add_arguments(self, parser):
        from zhijian.warnings.detection.runner import METHODS

        sub = parser.add_subparsers(dest="action", required=True)
        det = sub.add_parser(
            "detect-series", help="对序列文件（series,week,count）运行检测算法，输出预警文件"
        )
        det.add_argument("--method", required=True, choices=METHODS)
        det.add_argument("--input", required=True, help="序列文件 series.csv")
        det.add_argument("--output", required=True, help="输出文件 alarms.csv")
        det.add_argument("--first-week", type=int, help="从第 N 周起输出（缺省：首个有足够历史的周）")
        det.add_argument("--alpha", type=float, help="显著性水平（缺省：各方法的缺省值）")
        det.add_argument("--years-back", type=int, help="Farrington 回溯年数 b（缺省 5）")
        det.add_argument("--workers", type=int, help=f"进程数（缺省：全部 {os.cpu_count()} 个核）")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def detect_series(self, *, method, input, output, first_week, alpha, years_back, workers, **options):
        from zhijian.warnings.detection.runner import Options, SeriesFileError, detect_series

        if first_week is not None and first_week < 1:
            raise CommandError("--first-week 须为正整数")
        started = time.perf_counter()
        try:
            table = detect_series(
                method,
                input,
                output,
                first_week=first_week,
                options=Options(alpha=alpha, years_back=years_back),
                workers=workers,
            )
        except (SeriesFileError, FileNotFoundError, UnicodeDecodeError) as exc:
            self.stderr.write(f"无法读取序列文件：{exc}")
            sys.exit(2)
        alarms = int(table["alarm"].sum(skipna=True))
        undecided = int(table["alarm"].isna().sum())
        self.stdout.write(
            f"{method}：{table['series'].nunique()} 个序列、{len(table)} 个周次，预警 {alarms} 个，"
            f"无法判定 {undecided} 个；用时 {time.perf_counter() - started:.1f} 秒 → {output}"
        )
