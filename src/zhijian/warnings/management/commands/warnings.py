"""zhijian warnings …: the batch operations of the early-warning platform (风险预警).

    zhijian warnings detect-series --method {farrington,farrington-improved,ears-c1,ears-c2,ears-c3,cusum}
                                   --input series.csv --output alarms.csv [--first-week N]
                                   [--alpha A] [--years-back B] [--workers W]

detect-series runs any detector on any series file (also for outside scoring): ``series.csv`` has
columns ``series,week,count``; ``alarms.csv`` gets ``series,week,alarm,upperbound`` for every week
from N (default: the method's first week with enough history) to each series' end, alarm 1/0 or
NA. Every core is used (``--workers`` to limit). Exit codes: 0 done, 2 unreadable or invalid file.

    zhijian warnings load-source CODE FILE      # an outside file into a source (all-or-nothing, once)
    zhijian warnings check-sources              # the stale-source alarm
    zhijian warnings detect [--until YYYY-MM-DD] [--weeks N]   # series → signals

load-source exit codes: 0 loaded (or loaded before), 1 row errors, 2 unreadable file.
"""

from __future__ import annotations

import datetime as dt
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
        load = sub.add_parser(
            "load-source", help="把外部数据文件导入信息源（全部成功或全部不写入；同一文件只导入一次）"
        )
        load.add_argument("code")
        load.add_argument("file")
        sub.add_parser("check-sources", help="检查信息源是否超时，超时即告警")
        run = sub.add_parser("detect", help="生成序列并运行检测，预警信号入库")
        run.add_argument("--until", type=dt.date.fromisoformat)
        run.add_argument("--weeks", type=int, default=1)

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

    def load_source(self, *, code, file, **options):
        from zhijian.core.access import SystemActor
        from zhijian.warnings.models import Source
        from zhijian.warnings.services import load_source_file

        source = Source.objects.filter(code=code).first()
        if source is None:
            raise CommandError(f"信息源“{code}”不存在")
        report = load_source_file(actor=SystemActor("cli"), source=source, path=file)
        if report.ok:
            self.stdout.write(report.summary())
        else:
            self.stderr.write(report.unreadable or "文件有错误，未导入任何数据：")
            for issue in report.issues[:50]:
                self.stderr.write(f"  第 {issue.row} 行 {issue.column}：{issue.message}")
        sys.exit(report.exit_code)

    def check_sources(self, **options):
        from zhijian.core.access import SystemActor
        from zhijian.warnings.services import check_stale_sources

        stale = check_stale_sources(actor=SystemActor("cli"))
        self.stdout.write("超时信息源：" + ("、".join(s.name for s in stale) if stale else "无"))

    def detect(self, *, until, weeks, **options):
        from django.utils import timezone

        from zhijian.core.access import SystemActor
        from zhijian.warnings.services import run_detection

        signals = run_detection(actor=SystemActor("cli"), until=until or timezone.localdate(), weeks=weeks)
        self.stdout.write(f"新增预警信号 {len(signals)} 个")
