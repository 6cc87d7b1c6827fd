"""Forms of the plan cockpit: reporting and correcting values, reviewing, progress reports."""

from __future__ import annotations

from django import forms


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label="起始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReportForm(PeriodForm):
    """A value reported with its evidence (填报)."""

    jurisdiction = forms.ChoiceField(label="填报单位")
    value = forms.CharField(label="数值", max_length=30)
    evidence_note = forms.CharField(
        label="佐证说明", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label="佐证材料", required=False)
    miss_reason = forms.CharField(label="未完成原因", max_length=300, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = [(u.pk, u.name) for u in units]


class CorrectionForm(forms.Form):
    """A correction of a locked value: a new version (更正)."""

    value = forms.CharField(label="更正后数值", max_length=30)
    reason = forms.CharField(label="更正原因", max_length=300)
    evidence_note = forms.CharField(label="佐证说明", max_length=500)
    evidence_file = forms.FileField(label="佐证材料", required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class ProgressForm(forms.Form):
    """A progress report on a plan task (进展报告)."""

    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    milestone = forms.ChoiceField(label="对应节点", required=False)
    done = forms.BooleanField(label="该节点已完成", required=False)
    evidence_note = forms.CharField(label="佐证材料说明", max_length=300, required=False)
    evidence_file = forms.FileField(label="佐证材料", required=False)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "—")] + [
            (m.pk, f"{m.title}（{m.due_on}）") for m in milestones
        ]
