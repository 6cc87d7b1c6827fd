"""The API docs page (/api/v1/docs) with its Swagger UI assets served from this site, never a CDN.

Regulators' intranets have no internet: the bundle is vendored from npm (scripts/vendor-assets.sh,
swagger-ui-dist at a pinned version) and the page runs no inline script, so the CSP holds.
"""

from __future__ import annotations

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class LocalSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings), "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, "core/api_docs.html", context)
