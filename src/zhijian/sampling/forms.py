"""Forms of the sampling pages: they parse input; the services decide and change."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zhijian.core.forms import DateInput, date_field, end_of_quarter, previous_month
from zhijian.core.models import Jurisdiction
from zhijian.core.reference import county_units

from .models import Category, Kind, Laboratory, MeasureKind, Purpose, Stage


def _date(label: str, required: bool = True) -> forms.DateField:
    return date_field(label, required=required)


class SampleForm(forms.Form):
    product_name = forms.CharField(label="样品名称", max_length=100)
    brand = forms.CharField(label="商标", max_length=60, required=False)
    specification = forms.CharField(label="规格型号", max_length=60, required=False)
    batch_no = forms.CharField(label="批号", max_length=60, required=False)
    production_date = forms.DateField(label="生产日期", required=False, widget=DateInput)
    sampled_on = _date("抽样日期")
    samplers = forms.CharField(label="抽样人员", max_length=100, required=False)
    seller_name = forms.CharField(label="被抽样单位名称", max_length=200)
    seller_uscc = forms.CharField(label="被抽样单位统一社会信用代码", max_length=30, required=False)
    seller_address = forms.CharField(label="被抽样单位地址", max_length=300, required=False)
    producer_name = forms.CharField(label="标称生产者名称", max_length=200, required=False)
    producer_uscc = forms.CharField(label="标称生产者统一社会信用代码", max_length=30, required=False)
    producer_address = forms.CharField(label="标称生产者地址", max_length=300, required=False)
    producer_region = forms.CharField(
        label="标称生产者所在地（本市以外时填写，如“江苏省苏州市”）", max_length=60, required=False
    )


class ReceiveForm(forms.Form):
    received_on = _date("收样日期")


class ReportForm(forms.Form):
    """The report header; the item fields are added per test item of the sample's category."""

    report_no = forms.CharField(label="检验报告编号", max_length=40)
    reported_on = _date("报告日期")
    received_on = date_field("收样日期", required=False)

    def __init__(self, *args, items, need_receipt: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        if need_receipt:
            self.fields["received_on"].required = True
        else:
            del self.fields["received_on"]
        for item in self.items:
            self.fields[f"m_{item.pk}"] = forms.CharField(label=item.name, max_length=100, required=False)
            self.fields[f"u_{item.pk}"] = forms.CharField(
                label="单位", max_length=20, required=False, initial=item.unit
            )
            self.fields[f"l_{item.pk}"] = forms.CharField(label="检出限", max_length=30, required=False)

    def rows(self):
        """(item, measured field, unit field, detection-limit field) for the template."""
        return [
            (item, self[f"m_{item.pk}"], self[f"u_{item.pk}"], self[f"l_{item.pk}"]) for item in self.items
        ]

    def entries(self):
        from .services import ItemIn

        data = self.cleaned_data
        return [
            ItemIn(
                item.pk, data[f"m_{item.pk}"], data.get(f"u_{item.pk}") or "", data.get(f"l_{item.pk}") or ""
            )
            for item in self.items
            if (data.get(f"m_{item.pk}") or "").strip()
        ]


class ServeForm(forms.Form):
    served_on = _date("结论送达日期")


class ObjectionForm(forms.Form):
    applicant_name = forms.CharField(label="申请人", max_length=200)
    applicant_uscc = forms.CharField(label="申请人统一社会信用代码", max_length=30, required=False)
    applied_on = _date("申请日期")
    items = forms.MultipleChoiceField(label="复检项目", widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="申请理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, failed_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(i.pk), i.name) for i in failed_items]


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label="措施", choices=MeasureKind.choices)
    taken_on = _date("日期")
    document_no = forms.CharField(label="文书编号", max_length=60, required=False)
    quantity = forms.CharField(label="数量", max_length=60, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class RecheckForm(forms.Form):
    checked_on = _date("复查日期")
    passed = forms.TypedChoiceField(
        label="复查结果", choices=[("1", "整改到位"), ("0", "整改不到位")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据文件")
    description = forms.CharField(label="说明", max_length=200)


class CloseForm(forms.Form):
    closed_on = _date("办结日期")
    conclusion = forms.CharField(label="处置结论", widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    sent_on = _date("发函日期")
    document_no = forms.CharField(label="函号", max_length=60)


class PlanForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    purpose = forms.ChoiceField(label="性质", choices=Purpose.choices)
    title = forms.CharField(label="计划名称", max_length=120)


class TaskForm(forms.Form):
    category = forms.ModelChoiceField(label="细类", queryset=Category.objects.none())
    stage = forms.ChoiceField(label="环节", choices=Stage.choices)
    jurisdiction = forms.ModelChoiceField(label="抽样辖区", queryset=Jurisdiction.objects.none())
    laboratory = forms.ModelChoiceField(label="承检机构", queryset=Laboratory.objects.none())
    quota = forms.IntegerField(label="计划批次", min_value=1, max_value=1_000_000)
    due_on = forms.DateField(label="完成期限", widget=DateInput, initial=end_of_quarter)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(kind=plan.kind, parent__isnull=False)
        self.fields["jurisdiction"].queryset = county_units()
        lab_filter = {"tests_food": True} if plan.kind == Kind.FOOD else {"tests_products": True}
        self.fields["laboratory"].queryset = Laboratory.objects.filter(active=True, **lab_filter)


class AnnouncementForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    issue = forms.CharField(label="期号", max_length=40, help_text="如“2026年第11期”")
    period_start = forms.DateField(label="起始日期", widget=DateInput, initial=lambda: previous_month()[0])
    period_end = forms.DateField(label="截止日期", widget=DateInput, initial=lambda: previous_month()[1])
    title = forms.CharField(label="标题（可留空自动生成）", max_length=200, required=False)
