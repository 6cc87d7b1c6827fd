"""Forms of the complaints pages, and the public form's plumbing (reading a filing, verification, rate limit).

The staff and enterprise-account forms parse input; the services decide and change. Their field names
are the services' own (``on``, ``held_on``, ``note``…), so a refusal's ``fields`` lands beside the
input it concerns (``core.errors.attempt``).

The verification step (人机验证) is a small sum the visitor answers; the question travels signed with
a timestamp (``django.core.signing``), so no state is kept between showing the form and sending it.
The rate limit counts submissions per client and minute in the database, so every web worker shares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.db import connection
from django.urls import reverse_lazy
from django.utils import timezone

from zhijian.core.forms import date_field

from .models import (
    Category,
    Channel,
    Enrolment,
    IntakeThrottle,
    Kind,
    NotAcceptedGround,
    Outcome,
    TerminationGround,
)
from .services.intake import CaseIn

CHALLENGE_SALT = "complaints.challenge"
CHALLENGE_MAX_AGE = 3600
FIELDS = (
    "kind",
    "subject",
    "description",
    "respondent_name",
    "category",
    "person_name",
    "person_phone",
    "person_id_number",
    "person_address",
    "respondent_uscc",
    "respondent_address",
    "platform_uscc",
    "place",
    "product",
    "demand",
    "amount_claimed",
)


def case_in_from(post, *, received_on: dt.date | None = None) -> CaseIn:
    values = {f: post.get(f, "") for f in FIELDS}
    return CaseIn(**values, anonymous=post.get("anonymous") == "1", received_on=received_on)


def new_challenge() -> tuple[str, str]:
    """(question, signed token) for the verification step."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": uuid.uuid4().hex[:8]}, salt=CHALLENGE_SALT)
    return f"{a} + {b} = ?", token


def check_challenge(token: str, answer: str) -> str | None:
    """None when answered right; else the Chinese message."""
    try:
        expected = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)["s"]
    except (signing.BadSignature, KeyError, TypeError):
        return "验证已过期，请重新填写验证题"
    if answer.strip() != str(expected):
        return "验证题答案不正确"
    return None


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def client_key(request, purpose: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{purpose}:{address}".encode()).hexdigest()[:32]


def per_minute(purpose: str) -> int:
    limits = getattr(settings, "COMPLAINTS_RATE_LIMITS", {})
    return int(limits.get(purpose, {"file": 10, "track": 30}.get(purpose, 10)))


def throttled(request, purpose: str) -> bool:
    """Count this request; True when the client went over the limit for this minute."""
    minute = timezone.now().replace(second=0, microsecond=0)
    key = client_key(request, purpose)
    table = IntakeThrottle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client, minute, count) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (client, minute) DO UPDATE SET count = "
            f"{table}.count + 1 RETURNING count",
            [key, minute],
        )
        (count,) = cursor.fetchone()
    return count > per_minute(purpose)


# --- form parts ---------------------------------------------------------------------------------------


MAX_LENGTH = "不能超过 %(limit_value)d 个字（现为 %(show_value)d 个）"


def _text(label: str, max_length: int = 300, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"max_length": MAX_LENGTH},
        **kwargs,
    )


def _amount(label: str = "挽回经济损失（元）") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=0,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


# --- staff entry of a phone call or a walk-in (电话、来访登记) ------------------------------------------


class StaffFilingForm(forms.Form):
    """What the officer takes down on the phone or at the counter; the filing service checks it (its
    refusals name these fields). Ids are the field names: the respondent look-up (complaints.js) finds
    ``respondent_name`` and ``respondent_uscc`` by them (render with ``auto_id="%s"``)."""

    channel = forms.ChoiceField(
        label="渠道", choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)]
    )
    received_on = date_field("登记日期")
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    respondent_name = _text(
        "被投诉举报对象名称",
        200,
        widget=forms.TextInput(
            attrs={"data-lookup-url": reverse_lazy("complaints_public:respondents"), "autocomplete": "off"}
        ),
    )
    respondent_uscc = _text("统一社会信用代码", 30)
    platform_uscc = _text("交易平台统一社会信用代码", 30)
    place = _text("交易发生地", 12, widget=forms.Select)
    category = forms.ChoiceField(
        label="商品服务类别", choices=[("", "请选择"), *Category.choices], required=False
    )
    product = _text("商品或服务名称", 200)
    subject = _text("标题", 200)
    description = _text("事实和理由", 4000, widget=forms.Textarea(attrs={"rows": 5}))
    demand = _text("诉求", 500)
    amount_claimed = _text("涉案金额（元）", 20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    person_name = _text("姓名", 60)
    person_phone = _text("联系电话", 30, widget=forms.TextInput(attrs={"type": "tel"}))
    person_id_number = _text("身份证号", 30)
    person_address = _text("联系地址", 300)
    anonymous = forms.BooleanField(label="匿名举报", required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        # a code the list does not show (a grassroots office) is the filing service's to accept or refuse
        self.fields["place"].widget.choices = [("", "不清楚"), *places]

    def case_in(self) -> CaseIn:
        data = self.cleaned_data
        return CaseIn(
            **{f: data.get(f) or "" for f in FIELDS},
            anonymous=data["anonymous"],
            received_on=data["received_on"],
        )


# --- the officer's actions on a case (办理) -------------------------------------------------------------


class AcceptForm(forms.Form):
    """受理."""

    on = date_field("受理日期")


class RejectForm(forms.Form):
    """不予受理, with its ground."""

    on = date_field("决定日期")
    ground = forms.ChoiceField(
        label="不予受理理由",
        choices=[("", "请选择"), *NotAcceptedGround.choices],
        error_messages={"required": "请选择不予受理的理由"},
    )
    note = _text("说明", 2000)


class MediateForm(forms.Form):
    """A mediation session (调解记录)."""

    held_on = date_field("调解日期")
    method = forms.ChoiceField(
        label="方式", choices=[(m, m) for m in ("电话调解", "现场调解", "在线调解")], initial="电话调解"
    )
    agreed = forms.BooleanField(label="达成调解协议", required=False)
    amount = _amount()
    note = _text("调解情况", 2000)


class PauseForm(forms.Form):
    """Testing or appraisal stops the clock (中止计时)."""

    reason = _text("检验鉴定事由", 100, initial="检验鉴定")
    started_on = date_field("开始")


class ResumeForm(forms.Form):
    ended_on = date_field("结束")


class CloseForm(forms.Form):
    """Closing a complaint (办结): mediated, or mediation terminated on a statutory ground."""

    on = date_field("办结日期")
    outcome = forms.ChoiceField(
        label="结果",
        choices=[(Outcome.MEDIATED, "调解成功"), (Outcome.TERMINATED, "终止调解")],
    )
    termination_ground = forms.ChoiceField(
        label="终止理由", choices=[("", "—"), *TerminationGround.choices], required=False
    )
    result_text = _text("说明", 4000)


class AnswerForm(forms.Form):
    """Answering an enquiry (咨询已答复)."""

    on = date_field("答复日期")
    result_text = _text("答复", 4000)


class DecideForm(forms.Form):
    """A report's decision (立案 / 不予立案)."""

    on = date_field("决定日期")
    filed = forms.TypedChoiceField(
        label="决定",
        choices=[("1", "立案"), ("0", "不予立案")],
        coerce=lambda v: v == "1",
        initial="0",
    )
    decision_no = _text("决定文号", 60)
    note = _text("说明", 4000)


class ExtendForm(forms.Form):
    reason = _text("延期理由（经负责人批准）")


class DayForm(forms.Form):
    """A step that only needs its day (告知当事人、告知举报人、重复举报不再处理)."""

    on = date_field("日期")

    def __init__(self, *args, label: str = "日期", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AssignForm(forms.Form):
    """Naming the handling officer (承办人) and grassroots office (市场监管所) from the unit's own."""

    handler: forms.ModelChoiceField = forms.ModelChoiceField(
        label="承办人", queryset=None, required=False, empty_label="—"
    )
    office = UnitChoice(label="市场监管所", queryset=None, required=False, empty_label="—")

    def __init__(self, *args, handlers, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers
        self.fields["office"].queryset = offices


class TransferForm(forms.Form):
    """移送 to another unit, with a reason."""

    to_unit = UnitChoice(
        label="移送至", queryset=None, empty_label="请选择", error_messages={"required": "请选择移送单位"}
    )
    reason = _text("理由")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class DisputeForm(forms.Form):
    """A jurisdiction dispute to the city (报请市局指定管辖)."""

    other_unit = UnitChoice(
        label="争议对方",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择争议对方单位"},
    )
    reason = _text("理由")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_unit"].queryset = units


class MergeForm(forms.Form):
    """Merging a duplicate into the case that carries on (合并处理)."""

    into = _text("并入主件查询码", 40)
    reason = _text("理由")

    def clean_into(self) -> str:
        return self.cleaned_data["into"].strip().upper()


# --- the enterprise account (企业账户) ---------------------------------------------------------------


class OdrAnswerForm(forms.Form):
    """The ODR firm's answer: settled (和解) or handed to the officer."""

    settled = forms.TypedChoiceField(
        label="处理结果",
        choices=[("1", "已与消费者达成和解"), ("0", "未能和解，转市场监管部门处理")],
        coerce=lambda v: v == "1",
    )
    on = date_field("处理日期")
    amount = _amount()
    reply = _text("处理情况", 4000, widget=forms.Textarea(attrs={"rows": 4}))


class FirmReplyForm(forms.Form):
    """The firm's reply on its disclosure (企业回应)."""

    text = forms.CharField(
        label="企业回应",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        strip=False,
    )


# --- office pages ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    """The national platform's export to import (全国12315平台数据导入)."""

    file = forms.FileField(
        label="平台导出文件（XLSX 或 CSV）",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={"required": "请选择要导入的文件"},
    )
    dry_run = forms.BooleanField(label="仅试导入（校验并报告，不写入）", required=False)


class DisputeDecisionForm(forms.Form):
    """The city designates one of the two units (指定管辖)."""

    unit = forms.TypedChoiceField(label="指定单位", choices=(), coerce=int)
    note = _text("说明")

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (dispute.raised_by_unit_id, dispute.raised_by_unit.short_name),
            (dispute.other_unit_id, dispute.other_unit.short_name),
        ]


class EnrolForm(forms.Form):
    """Enrolling a firm in ODR or 赔偿先付 (加入)."""

    uscc = _text("统一社会信用代码", 18, required=True)
    programme = forms.ChoiceField(label="项目", choices=Enrolment.Programme.choices)
    on = date_field("加入日期")

    def clean_uscc(self) -> str:
        return self.cleaned_data["uscc"].strip().upper()


class WithdrawForm(forms.Form):
    """Withdrawing a firm (退出)."""

    on = date_field("退出日期")
    reason = _text("退出原因", 200)


class RuleConfirmForm(forms.Form):
    """An administrator confirms a rule against the official text (规则核对)."""

    checked_against = _text("核对依据（正式文本）", 200)
