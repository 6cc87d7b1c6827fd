"""zhijian equipment …: the batch operations and workers of special equipment.

    zhijian equipment import FILE [--dry-run] [--report OUT.xlsx] [--as USERNAME]  # provincial export
    zhijian equipment mqtt [--host 127.0.0.1 --port 1883] [--seconds N]          # the MQTT subscriber
    zhijian equipment sweep [--every SECONDS]     # escalate missed rescues, flag silent devices (loop)
    zhijian equipment daily                       # reminders to user units, risk classes
    zhijian equipment grades YEAR [--publish]     # maintenance company grades A–D
    zhijian equipment device UNIT_CODE DEVICE_ID  # give a unit a monitoring device; prints its credential

import exit codes: 0 imported (or dry run clean), 1 validation errors, 2 unreadable file.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from zhijian.core.access import SystemActor

ACTOR = SystemActor("cli:equipment")


class Command(BaseCommand):
    help = "特种设备：import | mqtt | sweep | daily | grades | device"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入省平台导出的特种设备台账（XLSX/CSV）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--report", help="把全部错误写入该XLSX文件")
        imp.add_argument("--as", dest="username", help="以该用户身份导入；缺省为系统操作员")
        mq = sub.add_parser("mqtt", help="订阅电梯监测终端的MQTT报文")
        mq.add_argument("--host", default="127.0.0.1")
        mq.add_argument("--port", type=int, default=1883)
        mq.add_argument("--seconds", type=float, help="运行该秒数后退出（缺省一直运行）")
        mq.add_argument("--batch", type=int, default=500)
        sw = sub.add_parser("sweep", help="救援超时升级、终端失联标记")
        sw.add_argument("--every", type=float, help="每隔该秒数执行一次（缺省只执行一次）")
        sub.add_parser("daily", help="到期提醒、风险分级")
        gr = sub.add_parser("grades", help="评定维保单位等级")
        gr.add_argument("year", type=int)
        gr.add_argument("--publish", action="store_true")
        dev = sub.add_parser("device", help="为设备登记监测终端并生成凭证")
        dev.add_argument("unit_code")
        dev.add_argument("device_id")

    def handle(self, *args, action, **options):
        name = action.replace("-", "_")
        getattr(self, "import_" if name == "import" else name)(**options)

    def import_(self, *, file, dry_run, report, username, **options):
        from zhijian.equipment.importing import import_units
        from zhijian.registry.reports import run_import_command

        run_import_command(import_units, file, username=username, dry_run=dry_run, report=report)

    def mqtt(self, *, host, port, seconds, batch, **options):
        from zhijian.equipment.mqtt import run

        self.stdout.write(f"订阅 mqtt://{host}:{port}/zhijian/equipment/+/messages …")
        stats = run(
            host=host,
            port=port,
            seconds=seconds,
            batch=batch,
            on_ready=lambda: self.stdout.write("已订阅", ending="\n"),
        )
        self.stdout.write(
            f"报文 {stats.messages} 条：新 {stats.accepted}，重复 {stats.duplicates}，拒收负载 {stats.refused}，"
            f"开立救援 {stats.rescues}"
        )

    def sweep(self, *, every, **options):
        from zhijian.equipment import services

        while True:
            escalated = services.escalate_rescues(actor=ACTOR)
            silent = services.flag_silent_devices(actor=ACTOR)
            self.stdout.write(f"救援超时升级 {escalated} 件，终端失联 {silent} 台")
            if not every:
                return
            time.sleep(every)

    def daily(self, **options):
        from zhijian.equipment import services

        reminders = services.send_reminders(actor=ACTOR)
        risk = services.compute_risk(actor=ACTOR)
        self.stdout.write(f"新到期提醒 {reminders} 条；风险分级 {risk}")

    def grades(self, *, year, publish, **options):
        from zhijian.equipment import services

        count = services.compute_grades(actor=ACTOR, year=year)
        self.stdout.write(f"{year} 年度评定维保单位 {count} 家")
        if publish:
            self.stdout.write(f"已公布 {services.publish_grades(actor=ACTOR, year=year)} 家")

    def device(self, *, unit_code, device_id, **options):
        from zhijian.equipment import services
        from zhijian.equipment.models import Unit

        unit = Unit.objects.filter(code=unit_code.upper()).first()
        if unit is None:
            raise CommandError(f"设备代码“{unit_code}”不存在")
        _, secret = services.register_device(actor=ACTOR, unit=unit, device_id=device_id)
        self.stdout.write(f"终端 {device_id} 的凭证（只显示这一次）：{secret}")
