"""zhijian inspections verify DRAW_ID | package DRAW_ID [--full] [-o FILE] | commit TASK_ID … | draw TASK_ID …

``verify`` re-runs a draw (and its inspector assignments) from what is stored and exits 1 on any
disagreement; ``package`` writes the published JSON that tools/verify_draw.py checks.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from zhijian.core.access import cli_actor
from zhijian.inspections import services
from zhijian.inspections.algorithm import GAMES
from zhijian.inspections.models import Draw, Task
from zhijian.inspections.verification import draw_package, verify_draw


class Command(BaseCommand):
    help = "双随机抽查：verify 重算并核对抽取；package 导出数据包；commit 公布抽取参数；draw 执行抽取；assign 匹配人员"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "package", "commit", "draw", "assign"])
        parser.add_argument("id", type=int, help="verify/package：抽取编号；commit/draw/assign：任务编号")
        parser.add_argument("--full", action="store_true", help="package：含各企业信用类别的完整数据包")
        parser.add_argument("-o", "--output", help="package：写入该文件（缺省输出到标准输出）")
        parser.add_argument(
            "--game", choices=sorted(GAMES), help="commit：彩票（fc3d 福彩3D、ssq 双色球、dlt 大乐透）"
        )
        parser.add_argument("--issue", help="commit：期号（如 2026136；大乐透如 26137）")
        parser.add_argument("--draw-date", help="commit：开奖日期（YYYY-MM-DD，须尚未开奖）")
        parser.add_argument("--beacon", help="draw：已公布的公共随机数")
        parser.add_argument("--as", dest="username", help="以该用户身份操作（须有相应权限）")

    def _actor(self, username):
        if not username:
            raise CommandError("请用 --as 指定操作人员")
        return cli_actor(username)

    def handle(self, *args, action, id, full, output, game, issue, draw_date, beacon, username, **options):
        console = Console()
        if action in ("verify", "package"):
            draw = Draw.objects.select_related("task", "task__jurisdiction").filter(pk=id).first()
            if draw is None:
                raise CommandError(f"抽取 {id} 不存在")
            if action == "package":
                text = json.dumps(draw_package(draw, full=full), ensure_ascii=False, indent=1)
                if output:
                    with open(output, "w", encoding="utf-8") as handle:
                        handle.write(text)
                    console.print(f"已写入 {output}")
                else:
                    sys.stdout.write(text + "\n")
                return
            started = time.perf_counter()
            problems = verify_draw(draw)
            took = time.perf_counter() - started
            if problems:
                for problem in problems:
                    console.print(f"[red]✗ {problem.detail}[/red]")
                console.print(f"[red]抽取 {id}（{draw}）核验失败：{len(problems)} 处不符[/red]")
                sys.exit(1)
            what = (
                "冻结参数与承诺值一致（尚未抽取）"
                if draw.status == Draw.Status.COMMITTED
                else (f"重新抽取结果一致：名录 {draw.eligible_count} 户，抽取 {draw.selected_count} 户")
            )
            console.print(f"[green]抽取 {id}（{draw}）核验通过：{what}（{took:.2f} 秒）[/green]")
            return
        actor = self._actor(username)
        task = Task.objects.filter(pk=id).first()
        if task is None:
            raise CommandError(f"任务 {id} 不存在")
        try:
            if action == "commit":
                if not game or not issue or not draw_date:
                    raise CommandError("commit 需要 --game、--issue 与 --draw-date")
                try:
                    on = dt.date.fromisoformat(draw_date)
                except ValueError:
                    raise CommandError(f"开奖日期“{draw_date}”须写成 YYYY-MM-DD") from None
                draw = services.commit_draw(
                    actor=actor, task=task, beacon_game=game, beacon_issue=issue, beacon_date=on
                )
                console.print(
                    f"已公布抽取 {draw.pk}：名录 {draw.eligible_count} 户，承诺值 {draw.commitment}"
                )
            elif action == "draw":
                current = task.current_draw()
                if current is None or not beacon:
                    raise CommandError("draw 需要已公布的抽取参数和 --beacon")
                started = time.perf_counter()
                draw = services.perform_draw(actor=actor, draw=current, beacon_value=beacon)
                took = time.perf_counter() - started
                console.print(
                    f"抽取 {draw.pk} 完成：抽取 {draw.selected_count} 户，种子 {draw.seed}（{took:.2f} 秒）"
                )
            else:
                run = services.assign_inspectors(actor=actor, task=task)
                console.print(f"已匹配检查人员：{run.assigned} 户；无法组成检查组 {run.unassignable} 户")
        except services.InspectionError as exc:
            raise CommandError(str(exc)) from exc
