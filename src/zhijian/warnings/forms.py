"""Forms of the warnings pages (thin: the services validate)."""

from django import forms

from zhijian.core.models import Department

from .models import RiskWarning


class DismissForm(forms.Form):
    reason = forms.CharField(label="排除理由", max_length=300)


class RaiseForm(forms.Form):
    title = forms.CharField(label="标题", max_length=120)
    classification = forms.ChoiceField(label="类别", choices=RiskWarning.Classification.choices)
    risk_level = forms.ChoiceField(label="风险等级", choices=RiskWarning.Level.choices)
    hazard = forms.CharField(label="危害因素", max_length=60)
    product = forms.CharField(label="产品", max_length=120)
    producer = forms.CharField(label="生产者", max_length=120, required=False)
    lots = forms.CharField(label="批次", max_length=200, required=False)
    description = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    departments = forms.ModelMultipleChoiceField(
        label="抄送处室",
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AnswerForm(forms.Form):
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="处置措施", widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    text = forms.CharField(label="消费提示", widget=forms.Textarea(attrs={"rows": 4}))


class LoadForm(forms.Form):
    file = forms.FileField(label="数据文件（CSV/XLSX，UTF-8 或 GB18030）")
