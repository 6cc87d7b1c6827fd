"""Notification of a warning's recipients: in the platform, by e-mail (Django's mail API) and by SMS.

The SMS gateway is an interface (``SmsGateway``): the city's gateway is configured by the setting
``WARNINGS_SMS_GATEWAY`` (a dotted path to a class); ``RecordingSmsGateway`` is the test double and
the default until one is configured, so nothing leaves the machine unasked. Messages go out after
the warning's transaction commits.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from zhijian.core.models import User
from zhijian.core.roles import DEPARTMENT, DISTRICT

from ..models import Notification, Recipient, RiskWarning


class SmsGateway(Protocol):
    def send(self, *, user, text: str) -> None: ...


class RecordingSmsGateway:
    """Test double and safe default: keeps every message instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, *, user, text: str) -> None:
        type(self).sent.append((user.username, text))


def gateway() -> SmsGateway:
    path = getattr(settings, "WARNINGS_SMS_GATEWAY", "zhijian.warnings.services.notify.RecordingSmsGateway")
    return import_string(path)()


def users_of(recipient: Recipient):
    users = User.objects.filter(is_active=True)
    if recipient.district_id:
        return users.filter(role=DISTRICT, jurisdiction__in=_units_of(recipient.district_id))
    return users.filter(role=DEPARTMENT, department_id=recipient.department_id)


def _units_of(district_id: int):
    from zhijian.core.models import Jurisdiction

    return Jurisdiction.objects.filter(pk=district_id) | Jurisdiction.objects.filter(district_id=district_id)


def notify_recipients(warning: RiskWarning, recipients: list[Recipient]) -> int:
    """Write the platform notifications now; send mail and SMS when the transaction commits."""
    text = (
        f"【风险预警{warning.get_classification_display()}】{warning.number} {warning.title}："
        f"请于 {{due}} 前反馈核查处置情况"
    )
    outgoing = []
    for recipient in recipients:
        message = text.format(due=f"{recipient.due_at:%Y-%m-%d %H:%M}")
        for user in users_of(recipient):
            Notification.objects.create(user=user, warning=warning, text=message[:300])
            outgoing.append((user, message))

    def send() -> None:
        sms = gateway()
        for user, message in outgoing:
            if user.email:
                send_mail(f"风险预警 {warning.number}", message, None, [user.email], fail_silently=True)
            sms.send(user=user, text=message)

    transaction.on_commit(send)
    return len(outgoing)
