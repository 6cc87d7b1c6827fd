"""factory_boy factories for users and entities, with valid unified social credit codes."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from stdnum.cn import uscc

from zhijian.core.models import Role, User
from zhijian.registry.models import Entity, EntityStatus, EntityType

PASSWORD = "correct-horse-battery"
_serial = itertools.count(1)


def make_uscc(division: str = "330203", prefix: str = "91") -> str:
    body = f"{prefix}{division}{next(_serial):09d}"
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.DISTRICT
    password = factory.django.Password(PASSWORD)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    uscc = factory.LazyAttribute(lambda o: make_uscc(o.jurisdiction.division_code or "330203"))
    name = factory.Sequence(lambda n: f"宁波测试{n}号有限公司")
    entity_type = EntityType.LLC
    legal_representative = "张三"
    registered_capital = 100
    established_on = dt.date(2020, 5, 1)
    status = EntityStatus.ACTIVE
    address = "浙江省宁波市海曙区中山西路1号"
    industry_code = "C3451"
    cluster = "key_components"
