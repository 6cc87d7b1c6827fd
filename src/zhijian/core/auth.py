"""Authentication backend: the user of each request comes with what scoping needs, in one query."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User


class ScopedUserBackend(ModelBackend):
    """Django's model backend, loading a request's user together with its jurisdiction and department.

    Every scoped read asks for the user's county-level jurisdiction; without this each page paid
    one more query for it.
    """

    def get_user(self, user_id):
        user = User.objects.select_related("jurisdiction", "department").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
