"""What the staff pages share: reading dates from forms, the case by id or refuse."""

from __future__ import annotations

import datetime as dt

from zhijian.core.scoping import VIEW, get_scoped

from ..models import Case


def day(value: str, default: dt.date | None = None) -> dt.date:
    from ..services import ComplaintsError

    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        if default is not None:
            return default
        raise ComplaintsError("bad_date", "日期格式应为 2026-03-15") from None


def case_for(request, pk: int, action: str = VIEW) -> Case:
    return get_scoped(
        Case.objects.select_related(
            "jurisdiction", "office", "handler", "respondent", "merged_into", "cluster"
        ),
        request.user,
        action,
        pk=pk,
    )
