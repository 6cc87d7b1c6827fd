"""Forms: they parse and type the input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zhijian.core.forms import DateInput, end_of_quarter
from zhijian.core.models import Department, Jurisdiction
from zhijian.registry.models import EntityType

from . import algorithm
from .models import CheckItem, Method, ObjectKind, ResultCode, Specialty

DATE = DateInput()
COUNTY_LEVELS = [Jurisdiction.Level.DISTRICT, Jurisdiction.Level.ZONE]


class CheckItemForm(forms.Form):
    code = forms.CharField(label="事项编码", max_length=30)
    department = forms.ModelChoiceField(Department.objects.all(), label="实施处室")
    name = forms.CharField(label="抽查事项", max_length=200)
    legal_basis = forms.CharField(label="检查依据", widget=forms.Textarea(attrs={"rows": 2}))
    object_type = forms.CharField(label="抽查对象", max_length=200)
    entity_types = forms.MultipleChoiceField(
        label="主体类型（不选为全部）",
        choices=EntityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label="检查方式", choices=Method.choices)
    specialty = forms.ChoiceField(label="所需执法资格", choices=Specialty.choices)
    content = forms.CharField(label="检查内容", widget=forms.Textarea(attrs={"rows": 2}))
    is_key = forms.BooleanField(label="重点检查事项", required=False)


class InspectorForm(forms.Form):
    certificate_no = forms.CharField(label="执法证号", max_length=30)
    name = forms.CharField(label="姓名", max_length=40)
    jurisdiction = forms.ModelChoiceField(
        Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.CITY, *COUNTY_LEVELS]), label="所属单位"
    )
    department = forms.ModelChoiceField(
        Department.objects.all(), label="所属处室（市局人员）", required=False
    )
    specialties = forms.MultipleChoiceField(
        label="执法资格", choices=Specialty.choices, widget=forms.CheckboxSelectMultiple
    )
    username = forms.CharField(label="登录账户（可选）", max_length=150, required=False)


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="事由", max_length=100)


class ConflictForm(forms.Form):
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=30)
    reason = forms.CharField(label="回避事由", max_length=200)


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    jurisdiction = forms.ModelChoiceField(
        Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.CITY, *COUNTY_LEVELS]), label="制定单位"
    )


class TaskForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=None, label="所属计划")  # type: ignore[arg-type]
    title = forms.CharField(label="任务名称", max_length=200)
    items = forms.ModelMultipleChoiceField(
        CheckItem.objects.filter(active=True).select_related("department"),
        label="抽查事项",
        widget=forms.CheckboxSelectMultiple,
    )
    # Choices set per request: special-equipment user units only where the equipment app offers them.
    object_kind = forms.ChoiceField(label="抽查对象", choices=[], initial=ObjectKind.ENTITIES, required=False)
    districts = forms.ModelMultipleChoiceField(
        Jurisdiction.objects.filter(level__in=COUNTY_LEVELS),
        label="抽查范围（不选为组织单位辖区全部）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entity_types = forms.MultipleChoiceField(
        label="主体类型（不选为全部）",
        choices=EntityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industry_prefix = forms.CharField(label="行业代码前缀", max_length=5, required=False)
    ratio_A = forms.CharField(label="A类比例", max_length=8)
    ratio_B = forms.CharField(label="B类比例", max_length=8)
    ratio_C = forms.CharField(label="C类比例", max_length=8)
    ratio_D = forms.CharField(label="D类比例", max_length=8)
    ratio_U = forms.CharField(label="未分类比例", max_length=8)
    a_class_basis = forms.CharField(label="抽取A类企业的依据", max_length=300, required=False)
    team_size = forms.IntegerField(label="检查组人数", min_value=1, max_value=10)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    due_on = forms.DateField(label="完成期限", widget=DATE, initial=end_of_quarter)

    def __init__(self, *args, plans=None, object_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["object_kind"].choices = list(object_kinds)  # type: ignore[attr-defined]
        if len(self.fields["object_kind"].choices) < 2:  # type: ignore[attr-defined]
            self.fields["object_kind"].widget = forms.HiddenInput()

    def clean_object_kind(self) -> str:
        return self.cleaned_data.get("object_kind") or ObjectKind.ENTITIES

    @property
    def entities(self) -> bool:
        return self.cleaned_data.get("object_kind", ObjectKind.ENTITIES) == ObjectKind.ENTITIES

    def ratios(self) -> dict[str, str] | None:
        """The credit-class ratios typed in; None for a task over other objects (their provider's)."""
        if not self.entities:
            return None
        return {s: self.cleaned_data[f"ratio_{s}"] for s in algorithm.STRATA}


class CommitForm(forms.Form):
    """The lottery issue whose result will complete the seed: game, issue number, draw day."""

    beacon_game = forms.ChoiceField(
        label="公共随机数（彩票）", choices=[(g.code, g.name) for g in algorithm.GAMES.values()]
    )
    beacon_issue = forms.CharField(label="期号（如 2026136；大乐透如 26137）", max_length=10)
    beacon_date = forms.DateField(label="开奖日期", widget=DATE)


class DrawForm(forms.Form):
    beacon_value = forms.CharField(label="已公布的开奖号码（规范写法）", max_length=200)


class RedrawForm(CommitForm):
    reason = forms.CharField(label="重抽理由", widget=forms.Textarea(attrs={"rows": 2}))


class ResultForm(forms.Form):
    result_code = forms.ChoiceField(label="检查结果", choices=[("", "请选择"), *ResultCode.choices])
    violated_regulation = forms.CharField(
        label="违反的规定（选“违反…相关规定”时填写）", max_length=200, required=False
    )
    findings = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    completed_on = forms.DateField(label="检查完成日期", widget=DATE, initial=timezone.localdate)
    rectification_due = forms.DateField(label="责令整改期限（待后续处理时填写）", widget=DATE, required=False)


class DateForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)


class RecheckForm(forms.Form):
    on = forms.DateField(label="复查日期", widget=DATE)
    rectified = forms.TypedChoiceField(
        label="复查结论", choices=[("1", "已整改"), ("0", "未整改")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="复查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReferralForm(forms.Form):
    note = forms.CharField(label="移送说明", widget=forms.Textarea(attrs={"rows": 2}))
