"""zhijian setup [--city ningbo]: migrate the database and load the city's reference data."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhijian.core.reference import load_city


class Command(BaseCommand):
    help = "初始化数据库并载入城市参考数据"

    def add_arguments(self, parser):
        parser.add_argument("--city", default="ningbo")

    def handle(self, *args, city, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_city(city)
        self.stdout.write(
            f"数据库已就绪；载入辖区 {counts['jurisdictions']} 个、处室 {counts['departments']} 个"
        )
