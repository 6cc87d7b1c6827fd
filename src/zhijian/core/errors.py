"""Coded errors (错误码): one error type for every refusal, one way to show it in the API and in pages.

A service refuses bad input or a forbidden action by raising :class:`DomainError` (or a subclass)
*before* it has changed anything, or inside the transaction that then rolls back: nothing is ever
half-saved. The error carries

- ``code``: a stable English identifier that API clients may branch on (listed in docs/api.md);
- ``message``: the Chinese sentence a person reads;
- ``fields``: for form input, the message per field name, so a page can put it next to the field;
- ``status``: the HTTP status the API answers with.

The API answers every error — including framework validation, JSON parse errors, 404, 403 and missing
authentication — as ``{"code", "message", "fields"}`` (:func:`install_api_handlers`). Pages call
:func:`attempt`, which runs a service and puts its refusal next to the form or in the messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Schema

T = TypeVar("T")


class DomainError(ValueError):
    """A refused operation: ``code`` is stable English, ``str()`` and ``message`` the Chinese sentence."""

    status = 400
    default_code = "invalid"
    default_message = "输入有误"

    def __init__(
        self,
        code: str | None = None,
        message: str | None = None,
        *,
        fields: Mapping[str, str] | None = None,
        status: int | None = None,
    ):
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.fields = dict(fields or {})
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class Forbidden(DomainError):
    """The actor may not do this (403)."""

    status = 403
    default_code = "forbidden"
    default_message = "您没有执行该操作的权限"


class NotFound(DomainError):
    """The object does not exist or is outside the actor's scope (404: its existence is not leaked)."""

    status = 404
    default_code = "not_found"
    default_message = "对象不存在或无权访问"


class Conflict(DomainError):
    """The object's state does not allow the operation now (409)."""

    status = 409
    default_code = "conflict"
    default_message = "对象当前状态不允许该操作"


class ErrorOut(Schema):
    """The body of every API error."""

    code: str
    message: str
    fields: dict[str, str] = {}


# Every operation may answer these; an operation adds its own success schema: {200: X, **ERRORS}.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

# The stable codes the framework itself answers with (apps' codes are listed in docs/api.md).
FRAMEWORK_CODES = {
    "invalid_input": "请求参数或正文不符合接口定义",
    "unauthenticated": "需要登录或有效的接口令牌",
    "forbidden": "您没有执行该操作的权限",
    "not_found": "对象不存在或无权访问",
    "throttled": "请求过于频繁，请稍后再试",
    "csrf_failed": "缺少或无效的 CSRF 令牌，请刷新页面后重试",
    "invalid_json": "请求正文不是有效的 JSON",
}


def _body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": dict(fields or {})}


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    """Pydantic/ninja error list → {field: message}, the field being the last name in its location."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form", "payload")]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, _chinese_validation_message(error))
    return fields


def _chinese_validation_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "missing":
        return "必填"
    if kind.startswith(("int", "float", "decimal")):
        return "应为数字"
    if kind.startswith(("date", "datetime", "time")):
        return "日期或时间格式不正确"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if "too_long" in kind or "too_short" in kind:
        return "长度不符合要求"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return "数值超出允许范围"
    if kind.startswith(("literal", "enum")):
        return "不是允许的取值"
    return "格式不正确"


def install_api_handlers(api) -> None:
    """Answer every error of ``api`` (a NinjaAPI) as ``{code, message, fields}`` with its status."""
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    def respond(request, status: int, body: dict[str, Any]):
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return respond(request, exc.status, exc.as_dict())

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields = _validation_fields(list(exc.errors))
        return respond(request, 422, _body("invalid_input", FRAMEWORK_CODES["invalid_input"], fields))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, _body("unauthenticated", FRAMEWORK_CODES["unauthenticated"]))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, _body("not_found", FRAMEWORK_CODES["not_found"]))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or FRAMEWORK_CODES["forbidden"]
        return respond(request, 403, _body("forbidden", message))

    @api.exception_handler(DjangoValidationError)
    def model_validation(request, exc: DjangoValidationError):
        fields = {k: "；".join(map(str, v)) for k, v in getattr(exc, "message_dict", {}).items()}
        message = "；".join(map(str, exc.messages)) or FRAMEWORK_CODES["invalid_input"]
        return respond(request, 400, _body("invalid", message, fields))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        status = exc.status_code
        code = {400: "invalid_input", 401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(
            status, "error"
        )
        if status == 403 and "CSRF" in str(exc):
            return respond(request, 403, _body("csrf_failed", "缺少或无效的 CSRF 令牌，请刷新页面后重试"))
        if status == 400 and "JSON" in str(exc):
            return respond(request, 400, _body("invalid_json", "请求正文不是有效的 JSON"))
        return respond(request, status, _body(code, FRAMEWORK_CODES.get(code, str(exc))))


# --- pages -------------------------------------------------------------------------------------------

FAILED = object()  # what :func:`attempt` returns when the service refused


def attempt(request, operation: Callable[..., T], *args, form=None, success: str | None = None, **kwargs):
    """Run a service for a page; on a :class:`DomainError` show it and return :data:`FAILED`.

    The refusal goes next to the form's fields when ``form`` is given (``fields`` of the error, the rest
    as a non-field error) and to the messages otherwise. Services run in their own transaction, so a
    refusal has changed nothing. ``success`` is flashed when the operation went through.
    """
    try:
        result = operation(*args, **kwargs)
    except DomainError as exc:
        if form is not None:
            placed = False
            for name, message in exc.fields.items():
                if name in getattr(form, "fields", {}):
                    form.add_error(name, message)
                    placed = True
            if not placed or set(exc.fields) - set(getattr(form, "fields", {})):
                form.add_error(None, exc.message)
        else:
            messages.error(request, exc.message)
        return FAILED
    if success:
        messages.success(request, success)
    return result
