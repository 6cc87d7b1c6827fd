"""The OpenAPI document names every status an operation can answer (issue 15 item 4).

Operations declare their success body and the refusals of their own logic; the framework adds more
that no operation declared: 422 when the parameters or body break the document, 401 without
credentials, 403 outside the caller's policy, 400 for a hostile parameter (a NUL byte, refused before
the operation runs), 404 for a path naming nothing the caller may see. :func:`document_errors` adds
them to every operation of the document, each with the one error body ``{code, message, fields}``
(:class:`~zhijian.core.errors.ErrorOut`), so a client — and the schemathesis run in CI — can rely on
the document for every answer.
"""

from __future__ import annotations

from typing import Any

from .errors import ErrorOut

DESCRIPTIONS = {
    400: "请求参数有误（code: invalid_parameter 等）",
    401: "需要登录或有效的接口令牌（code: unauthenticated）",
    403: "无权执行该操作（code: forbidden）",
    404: "对象不存在或无权访问（code: not_found）",
    422: "请求参数或正文不符合接口定义（code: invalid_input，fields 列出各字段）",
}
REF = "#/components/schemas/ErrorOut"


def statuses_of(operation: dict[str, Any]) -> set[int]:
    """The framework's refusals an operation can answer, from its place in the document."""
    parameters = operation.get("parameters", [])
    statuses = {400}
    if parameters or "requestBody" in operation:
        statuses.add(422)
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    return statuses


def add_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    error = {"application/json": {"schema": {"$ref": REF}}}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {int(code) for code in responses if str(code).isdigit()}
            for status in sorted(statuses_of(operation) - declared):
                responses[status] = {"description": DESCRIPTIONS[status], "content": error}
    return document


def document_errors(api) -> None:
    """Make ``api``'s OpenAPI document list the framework's error answers of every operation."""
    original = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        return add_error_responses(original(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema
