"""Sampling's items on the workbench: a laboratory's queue, officers' open post-processing cases."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhijian.core.access import allows
from zhijian.core.hooks import Todo
from zhijian.core.scoping import VIEW, restrict
from zhijian.core.workdays import due_summary

from .deadlines import KINDS
from .models import CaseStatus, PostProcessingCase, Sample, SampleStatus

APP = "抽检"


def todos(user) -> list[Todo]:
    today = timezone.localdate()
    items = []
    if allows(user, "sampling.lab"):
        samples = restrict(Sample.objects.all(), user, VIEW)
        url = reverse("sampling:sample_list")
        to_receive = samples.filter(status=SampleStatus.SAMPLED)
        items.append(Todo(APP, "待收样", to_receive.count(), f"{url}?status=sampled"))
        testing = samples.filter(status=SampleStatus.RECEIVED)
        due, overdue = due_summary(testing, object_type=KINDS["report"][0], kind="report", today=today)
        items.append(Todo(APP, "检验中，待出具报告", testing.count(), f"{url}?status=received", due, overdue))
    if allows(user, "sampling.sample"):
        cases = restrict(PostProcessingCase.objects.filter(status=CaseStatus.OPEN), user, VIEW)
        due, overdue = due_summary(cases, object_type=KINDS["disposal"][0], kind="disposal", today=today)
        url = reverse("sampling:case_list") + "?status=open"
        items.append(Todo(APP, "不合格产品核查处置中", cases.count(), url, due, overdue))
    return items
