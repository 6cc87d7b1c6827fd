"""Forms of the credit pages; services validate again (forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zhijian.core.forms import FilesField, date_field

from .models import GROUNDS_BY_LIST, CreditList, PenaltyMeasure, Sector


class PenaltyForm(forms.Form):
    title = forms.CharField(label="违法行为（事由）", max_length=200)
    violation_type = forms.CharField(label="违法行为类型", max_length=100, required=False)
    decision_no = forms.CharField(label="决定书文号", max_length=80)
    occurred_on = date_field("决定日期")
    measures = forms.MultipleChoiceField(
        label="处罚种类", choices=PenaltyMeasure.choices, widget=forms.CheckboxSelectMultiple
    )
    fine_amount = forms.DecimalField(
        label="罚没金额（元）", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    sector = forms.ChoiceField(label="领域", choices=Sector.choices)
    legal_basis = forms.CharField(label="处罚依据", max_length=300, required=False)


class AbnormalForm(forms.Form):
    ground = forms.ChoiceField(
        label="列入事由", choices=[(g.value, g.label) for g in GROUNDS_BY_LIST[CreditList.ABNORMAL]]
    )
    entered_on = date_field("列入日期")
    reason = forms.CharField(label="列入说明", max_length=300)
    decision_no = forms.CharField(label="决定书文号", max_length=80, required=False)


class WithdrawForm(forms.Form):
    """Withdrawing a record whose decision was revoked (撤下); one per record row, so without ids."""

    revoked_on = date_field("原决定被撤销的日期")
    reason = forms.CharField(label="撤销原因", max_length=300)


class SeriousProposalForm(forms.Form):
    """Proposing a firm for the serious list (提请列入严重违法失信名单); one per entry row, without ids."""

    reason = forms.CharField(label="理由", max_length=300)


class ReviewForm(forms.Form):
    """The review of a serious-list decision (审核); 批准 or 驳回 is the button pressed."""

    note = forms.CharField(label="审核意见", max_length=300)


class RepairForm(forms.Form):
    statement = forms.CharField(
        label="纠正失信行为、消除不良影响的情况", widget=forms.Textarea(attrs={"rows": 3})
    )
    commitment = forms.BooleanField(
        label="本企业承诺所述情况真实，并自觉遵守法律法规（信用承诺）", required=False
    )
    evidence = FilesField(
        label="证明材料（PDF、OFD、图片或Word，最多10个，每个不超过10 MB）",
        required=False,
        accept=".pdf,.ofd,.jpg,.jpeg,.png,.doc,.docx",
    )


class DecisionForm(forms.Form):
    approve = forms.ChoiceField(
        label="决定", choices=[("1", "准予信用修复"), ("0", "不予信用修复")], widget=forms.RadioSelect
    )
    decision_no = forms.CharField(label="决定书文号", max_length=80)
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalConfirmForm(forms.Form):
    """The decision to list on a proposal; the date bounds are the browser's hint, the service checks."""

    entered_on = date_field("列入日期")
    decision_no = forms.CharField(label="列入决定书文号", max_length=80)
    reason = forms.CharField(label="列入说明（留空则用建议的说明）", max_length=300, required=False)

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["entered_on"].widget.attrs["max"] = today.isoformat()
        if proposal is not None:
            self.fields["entered_on"].widget.attrs["min"] = proposal.found_on.isoformat()
            self.fields["reason"].initial = proposal.reason


class ProposalRejectForm(forms.Form):
    reason = forms.CharField(label="不予列入的理由", max_length=300)
