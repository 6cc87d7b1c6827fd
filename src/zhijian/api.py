"""REST API v1 (/api/v1/): token auth for systems, session auth for the browser, same scoping as pages."""

from __future__ import annotations

from django.apps import apps
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from zhijian.core.access import check_api_policy
from zhijian.core.apidocs import LocalSwagger
from zhijian.core.errors import ErrorOut, install_api_handlers
from zhijian.core.openapi import document_errors
from zhijian.core.tokens import token_for


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        row = token_for(token)
        if row is None:
            return None
        request.user, request.api_token = row.user, row  # the token itself: listing and logout name it
        check_api_policy(request, row.user)
        return row.user


class BrowserSession(SessionAuth):
    """The browser's session. Without a logged-in session the caller is unauthenticated (401) — the
    CSRF check applies only to a session that exists, so an anonymous POST is not told "CSRF failed"."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise HttpError(403, "CSRF") from exc

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            check_api_policy(request, user)
        return user


api = NinjaAPI(
    title="智监 Zhijian API",
    version="1",
    description=(
        "一体化智慧市监应用平台 REST API. Every error is `{code, message, fields}`: a stable English "
        "`code`, a Chinese `message`, and per-field messages for invalid input (docs/api.md lists the codes)."
    ),
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
    docs_url="/docs",
    docs=LocalSwagger(),
)
install_api_handlers(api)
document_errors(api)  # every operation's document lists the framework's refusals too
Error = ErrorOut  # the one error body; routers import it from here or from core.errors


def _mount_app_routers() -> None:
    """Every app's router, as its AppConfig declares it (``api_router = (prefix, dotted path)``)."""
    for config in apps.get_app_configs():
        mount = getattr(config, "api_router", None)
        if mount:
            api.add_router(mount[0], mount[1])


_mount_app_routers()
