"""Request parameters (查询参数) parsed in one place: a value is valid or the request is refused.

Every page and API filter reads its GET parameters through these functions, so no hostile value —
an integer beyond 64 bits, a digit that is not ASCII (``"²".isdigit()`` is true), a NUL byte, a
date that does not exist — reaches the database, where it used to end as a 500 (``OverflowError``
on SQLite, ``DataError`` on PostgreSQL). A bad value raises :class:`BadParameter`:

- in the API, a :class:`~zhijian.core.errors.DomainError`: ``400 {code, message, fields}``;
- in a page, also Django's ``BadRequest``: the 400 page (:func:`bad_request`) shows the message.

An empty or missing parameter is simply absent (the default). For the API's own query schemas,
:data:`Id` and friends are the same bounds as pydantic types. :class:`InputGuardMiddleware` refuses a
NUL byte in any parameter name or value before a view sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.shortcuts import render
from pydantic import BeforeValidator, Field

from .errors import DomainError

INT64_MAX = 2**63 - 1
MAX_PAGE = 10_000
MAX_TEXT = 200

# Bounded integers for ninja query and path schemas (pydantic answers 422 past the bounds).
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Offset = Annotated[int, Field(ge=0, le=100_000)]
Limit = Annotated[int, Field(ge=1, le=200)]
Year = Annotated[int, Field(ge=2000, le=2100)]


def _iso_date(value):
    # pydantic would read a bare number as a Unix timestamp (``on=0`` → 1970-01-01): a date is YYYY-MM-DD.
    if isinstance(value, str) and not (len(value) == 10 and value[4] == "-" and value[7] == "-"):
        raise ValueError("应为日期，格式为 YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("应为日期，格式为 YYYY-MM-DD")
    return value


# A calendar date as YYYY-MM-DD in a query (years 1900–2100 are for the domain to judge).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class BadParameter(DomainError, BadRequest):
    """A query parameter that is not what the page or operation takes (400)."""

    status = 400
    default_code = "invalid_parameter"
    default_message = "请求参数有误"

    def __init__(self, name: str, message: str):
        super().__init__("invalid_parameter", f"参数“{name}”{message}", fields={name: message})


def _raw(params, name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


def int_param(
    params, name: str, *, minimum: int = 1, maximum: int = INT64_MAX, default: int | None = None
) -> int | None:
    """An integer in ``[minimum, maximum]`` (ASCII digits, optional leading minus), else 400."""
    raw = _raw(params, name)
    if raw == "":
        return default
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise BadParameter(name, f"应为 {minimum}–{maximum} 之间的整数")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(name, f"应为 {minimum}–{maximum} 之间的整数")
    return value


def page_param(params, name: str = "page") -> int:
    """A page number of a list: 1 to MAX_PAGE (a deeper page is reached by narrowing the filter)."""
    return int_param(params, name, minimum=1, maximum=MAX_PAGE, default=1) or 1


def text_param(params, name: str, *, max_length: int = MAX_TEXT) -> str:
    """Free text, stripped and cut to ``max_length`` characters (a search box, say)."""
    return _raw(params, name)[:max_length]


def choice_param(params, name: str, choices: Iterable[str], *, default: str = "") -> str:
    """One of ``choices`` (or empty for none)."""
    raw = _raw(params, name)
    if raw == "":
        return default
    allowed = [str(c) for c in choices]
    if raw not in allowed:
        raise BadParameter(name, "不是允许的取值：" + "、".join(allowed[:20]))
    return raw


def date_param(params, name: str) -> dt.date | None:
    """A calendar date as YYYY-MM-DD (years 1900–2100)."""
    raw = _raw(params, name)
    if raw == "":
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, "应为有效日期，格式为 YYYY-MM-DD") from None
    if not 1900 <= value.year <= 2100:
        raise BadParameter(name, "日期超出范围")
    return value


def id_list(values: Iterable[str], name: str = "id") -> list[int]:
    """Several ids (a form's checked boxes)."""
    return [int_param({name: v}, name) or 0 for v in values if str(v).strip()]


# --- pages -------------------------------------------------------------------------------------------


def bad_request(request, exception=None):
    """The 400 page (``handler400``): the parameter's message when there is one."""
    message = getattr(exception, "message", "") if isinstance(exception, DomainError) else ""
    return render(request, "400.html", {"message": message or "请求有误，请检查后重试"}, status=400)


class InputGuardMiddleware:
    """Refuses a NUL byte in a query parameter's name or value: no text column can hold it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                name = key.replace("\x00", "")
                message = "含有无效字符"
                if request.path.startswith("/api/"):
                    body = {
                        "code": "invalid_parameter",
                        "message": f"参数“{name}”{message}",
                        "fields": {name: message},
                    }
                    return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
                return bad_request(request, BadParameter(name, message))
        return self.get_response(request)
