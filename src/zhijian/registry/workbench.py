"""The register's key figures on the workbench: entities in the user's scope by status."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from zhijian.core.access import allows
from zhijian.core.hooks import Figure
from zhijian.core.scoping import VIEW, restrict

from .models import Entity

APP = "市场主体"


def figures(user) -> list[Figure]:
    if not allows(user, "registry.view"):
        return []
    by_status = dict(
        restrict(Entity.objects.all(), user, VIEW).values_list("status").annotate(n=Count("id")).order_by()
    )
    url = reverse("registry:entity_list")
    return [
        Figure(APP, "全部", sum(by_status.values()), url),
        Figure(APP, "存续", by_status.get("active", 0), f"{url}?status=active"),
        Figure(APP, "注销", by_status.get("deregistered", 0), f"{url}?status=deregistered"),
        Figure(APP, "吊销", by_status.get("revoked", 0), f"{url}?status=revoked"),
    ]
