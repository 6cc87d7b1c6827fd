"""zhijian credit rescore|expire|reclass: batch classification and publicity housekeeping."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhijian.core.access import cli_actor
from zhijian.registry.models import Entity


class Command(BaseCommand):
    help = "信用监管：全量信用风险分类、公示期满处理、单户重新分类"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rescore = sub.add_parser("rescore", help="全量信用风险分类")
        rescore.add_argument(
            "--engine", choices=["db", "spark"], default="db", help="计算引擎：数据库或 Spark"
        )
        rescore.add_argument("--as-of", help="分类基准日（YYYY-MM-DD），默认今天")
        rescore.add_argument("--as", dest="username", help="以该用户身份运行（审计记录的操作人）")
        rescore.add_argument("--spark-cores", type=int, help="Spark 本地模式使用的核数")
        expire = sub.add_parser("expire", help="停止公示期满的信用记录")
        expire.add_argument("--as", dest="username")
        imp = sub.add_parser("import", help="导入信用记录（CSV 或 XLSX）")
        imp.add_argument("path")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        imp.add_argument("--as", dest="username")
        reclass = sub.add_parser("reclass", help="重新分类一户市场主体")
        reclass.add_argument("uscc")
        reclass.add_argument("--as", dest="username")

    def _actor(self, username):
        return cli_actor(username)

    def handle(self, *args, action, **options):
        from zhijian.credit import classify, services

        console = Console()
        actor = self._actor(options.get("username"))
        try:
            if action == "rescore":
                as_of = dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else None
                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=console,
                ) as bar:
                    task = bar.add_task("准备", total=4)

                    def stage(label: str, done: int, total: int) -> None:
                        bar.update(task, description=label, completed=done, total=total)

                    run = classify.rescore_all(
                        actor=actor,
                        engine=options["engine"],
                        as_of=as_of,
                        stage=stage,
                        spark_cores=options.get("spark_cores"),
                    )
                counts = run.class_counts
                console.print(
                    f"分类完成（模型 {run.model_version.version}，引擎 {run.engine}，基准日 {run.as_of}）："
                    f"{run.entities} 户，结果变化 {run.changed} 户；"
                    + "，".join(f"{c}类 {counts.get(c, 0)}" for c in "ABCD")
                    + f"；耗时 {run.timings}"
                )
            elif action == "import":
                from zhijian.credit.importing import import_records

                result = import_records(options["path"], actor=actor, dry_run=options["dry_run"])
                if result.unreadable:
                    console.print(f"[red]文件无法读取：{result.unreadable}")
                    raise SystemExit(2)
                for row, column, message in result.issues[:200]:
                    console.print(f"第{row}行 {column}：{message}")
                if result.issues:
                    console.print(f"[red]发现 {len(result.issues)} 处错误，未写入任何数据")
                    raise SystemExit(1)
                verb = "检查通过（未写入）" if result.dry_run else "导入完成"
                console.print(
                    f"{verb}：共 {result.rows} 行，新增 {result.created}，已导入过而跳过 {result.skipped}"
                )
            elif action == "expire":
                count = services.expire_publicity(actor=actor)
                console.print(f"已停止公示期满的记录 {count} 条")
            else:
                entity = Entity.objects.filter(uscc=options["uscc"].strip().upper()).first()
                if entity is None:
                    raise CommandError("没有该统一社会信用代码的市场主体")
                outcome = classify.reclassify_entity(entity.pk, trigger="manual", actor=actor)
                console.print(
                    f"{entity.name}：{outcome.previous_class or '未分类'} → {outcome.credit_class or '未分类'}"
                )
        except (classify.ClassificationError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
