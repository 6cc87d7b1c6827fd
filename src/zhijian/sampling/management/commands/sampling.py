"""zhijian sampling …: the batch operations of sampling.

    zhijian sampling load-reference                      # catalogue (抽检目录) and population figures
    zhijian sampling import-results FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]
    zhijian sampling escalate [--today YYYY-MM-DD]       # overdue cases to the city department
    zhijian sampling verify-draw SAMPLE_NO               # repeat a re-test laboratory draw

import-results exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from zhijian.core.access import SystemActor


class Command(BaseCommand):
    help = "监督抽查与食品安全抽检：load-reference | import-results | escalate | verify-draw"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-reference", help="载入抽检目录与常住人口参考数据")
        imp = sub.add_parser("import-results", help="导入检验机构的检验结果文件（XLSX/CSV）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        imp.add_argument("--report", help="把全部错误写入该XLSX文件")
        imp.add_argument("--as", dest="username", help="以该检验机构用户身份导入；缺省为系统操作员")
        esc = sub.add_parser("escalate", help="把逾期未办结的核查处置升级至市局处室")
        esc.add_argument("--today", type=dt.date.fromisoformat)
        ver = sub.add_parser("verify-draw", help="按记录的种子复核复检机构抽取结果")
        ver.add_argument("sample_no")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def load_reference(self, **options):
        from zhijian.sampling.reference import load_reference

        counts = load_reference(actor=SystemActor("cli"))
        self.stdout.write(
            f"已载入标准 {counts['standards']} 项、类别 {counts['categories']} 个、检验项目 {counts['items']} 项"
            f"（变更 {counts['changed']}）、常住人口 {counts['population']} 条"
        )

    def import_results(self, *, file, dry_run, report, username, **options):
        from zhijian.registry.reports import run_import_command
        from zhijian.sampling.importing import import_results

        run_import_command(import_results, file, username=username, dry_run=dry_run, report=report)

    def escalate(self, *, today, **options):
        from zhijian.sampling.services import escalate_overdue_cases

        count = escalate_overdue_cases(actor=SystemActor("cli"), today=today)
        self.stdout.write(f"逾期升级核查处置 {count} 件")

    def verify_draw(self, *, sample_no, **options):
        from zhijian.sampling.draw import replay
        from zhijian.sampling.models import Objection

        objection = (
            Objection.objects.select_related("retest_lab", "sample")
            .filter(sample__sample_no=sample_no)
            .first()
        )
        if objection is None:
            raise CommandError(f"样品“{sample_no}”没有复检申请")
        chosen = replay(objection)
        self.stdout.write(
            f"种子 {objection.draw_seed}，候选机构 {','.join(objection.draw_candidates)}；"
            f"复算结果 {chosen}，记录结果 {objection.retest_lab.code}"
        )
        if chosen != objection.retest_lab.code:
            self.stderr.write("复核不一致：抽取记录可能被篡改")
            sys.exit(1)
        self.stdout.write("复核一致")
