"""Pages of quality infrastructure, one module per aggregate."""

from __future__ import annotations

from django.shortcuts import redirect

from zhijian.core.errors import FAILED, attempt


def run_form(request, form, operation, *, success: str, redirect_to: str, **kwargs):
    """Validate ``form`` and run ``operation(actor=user, **cleaned, **kwargs)``; redirect on success.

    Returns the redirect, or None when the form or the service refused (the page then shows the form
    with its errors, or the message).
    """
    if not form.is_valid():
        return None
    outcome = attempt(
        request, operation, actor=request.user, form=form, success=success, **form.cleaned_data, **kwargs
    )
    if outcome is FAILED:
        return None
    return redirect(redirect_to)
