"""Request id: every request gets one, the audit log records it, the response echoes it."""

import contextvars
import logging
import uuid

logger = logging.getLogger(__name__)

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


class NoStoreForUsersMiddleware:
    """A page served to a logged-in user is never kept by the browser or a proxy (Cache-Control: no-store).

    A shared office computer's back button or disk cache would otherwise show the next person a
    regulated record. Public pages keep whatever caching their views chose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class DatabaseUnavailableMiddleware:
    """While the database is away (a restart, a failover), answer 503 at once with a Chinese message.

    The response is built without the database (no template, no session), and says when to try
    again; the connection that failed is closed by Django at the end of the request, so that the
    next request connects afresh once the database is back.
    """

    MESSAGE = "数据库暂时不可用，请稍后重试"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse, JsonResponse

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"code": "database_unavailable", "message": self.MESSAGE},
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            body = f'<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>请稍后重试</title><p>{self.MESSAGE}</p></html>'
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "5"
        return response
