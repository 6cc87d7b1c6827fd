"""Forms of special equipment; every one feeds a service, which owns the rules."""

from __future__ import annotations

from django import forms

from zhijian.core.forms import DateInput, date_field

from .models import AccidentClass, Category, Conclusion, InspectionKind, MaintenanceKind, UnitStatus

DATE = DateInput()  # ISO value, so the picker shows it
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label="检验类别", choices=InspectionKind.choices)
    report_no = forms.CharField(label="报告编号", max_length=40)
    inspected_on = date_field("检验日期")
    conclusion = forms.ChoiceField(label="检验结论", choices=Conclusion.choices)
    valid_until = forms.DateField(label="下次检验日期", widget=DATE, required=False)


class MaintenanceForm(forms.Form):
    kind = forms.ChoiceField(label="维保类型", choices=MaintenanceKind.choices)
    performed_on = date_field("维保日期")
    worker = forms.CharField(label="维保人员", max_length=40)
    findings = forms.CharField(label="维保情况", max_length=300, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="设备状态", choices=UnitStatus.choices)
    on = date_field("日期")
    reason = forms.CharField(label="原因", max_length=100, required=False)


class RescueTimeForm(forms.Form):
    at = forms.DateTimeField(label="时间", widget=DATETIME, required=False, help_text="留空为现在")
    note = forms.CharField(label="救援情况", max_length=300, required=False)


class AccidentForm(forms.Form):
    unit_code = forms.CharField(label="设备代码", max_length=24, required=False)
    district = forms.IntegerField(label="辖区", required=False, min_value=1, max_value=2**31 - 1)
    category = forms.ChoiceField(label="设备种类", choices=Category.choices, required=False)
    occurred_on = date_field("发生日期")
    classification = forms.ChoiceField(label="事故等级", choices=AccidentClass.choices)
    deaths = forms.IntegerField(label="死亡人数", min_value=0, max_value=10_000, initial=0)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, max_value=10_000, initial=0)
    minor_injuries = forms.IntegerField(label="轻伤人数", min_value=0, max_value=10_000, initial=0)
    description = forms.CharField(label="经过", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label="省平台导出文件（CSV 或 XLSX）")
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)
