"""Account security pages: a user's API tokens, and the administrator's view of login lockouts."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import audit
from .access import login_view, policy_view
from .tokens import live_tokens, revoke_token


@login_view
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """我的接口令牌: the user's live tokens, each revocable."""
    if request.method == "POST":
        try:
            token_id = int(request.POST.get("token", ""))
        except ValueError:
            token_id = 0
        if revoke_token(actor=request.user, token_id=token_id):
            messages.success(request, "令牌已撤销")
        else:
            messages.error(request, "令牌不存在或已撤销")
        return redirect("core:account_tokens")
    return render(request, "core/api_tokens.html", {"tokens": live_tokens(request.user)})


@policy_view("core.operate")
@require_http_methods(["GET", "POST"])
def login_lockouts(request):
    """登录安全: failed-login counts by username and address, locked ones first; the administrator unlocks."""
    if request.method == "POST":
        attempt_id = request.POST.get("attempt", "")
        attempt = AccessAttempt.objects.filter(pk=int(attempt_id)).first() if attempt_id.isdigit() else None
        if attempt is not None:
            with transaction.atomic():
                reset(username=attempt.username, ip=attempt.ip_address)
                audit.record(
                    request.user,
                    audit.Change(
                        "core.login.unlock",
                        "AccessAttempt",
                        attempt.username,
                        {
                            "username": attempt.username,
                            "ip": attempt.ip_address,
                            "failures": attempt.failures_since_start,
                        },
                        None,
                    ),
                )
            messages.success(request, f"已解除 {attempt.username}（{attempt.ip_address}）的锁定")
        return redirect("core:login_lockouts")
    limit, cooloff = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME
    since = timezone.now() - cooloff
    attempts = AccessAttempt.objects.order_by("-failures_since_start", "-attempt_time")[:200]
    rows = [
        {"attempt": a, "locked": a.failures_since_start >= limit and a.attempt_time > since} for a in attempts
    ]
    return render(
        request,
        "core/login_lockouts.html",
        {"rows": rows, "limit": limit, "cooloff": cooloff},
    )
