"""A Scope may give a role its own rule (role_filters): the hook maps the user to a condition."""

from unittest import mock

import pytest
from django.db.models import Q

from tests.factories import UserFactory
from zhijian.core.models import Role
from zhijian.core.scoping import CHANGE, VIEW, Scope, restrict
from zhijian.registry.models import Entity

pytestmark = pytest.mark.django_db


def scope_with(role_filters, change_roles=None):
    kwargs = {"change_roles": frozenset(change_roles)} if change_roles is not None else {}
    return Scope(district_field="jurisdiction_id", uscc_field="uscc", role_filters=role_filters, **kwargs)


def test_a_role_filter_decides_that_roles_rows(entities):
    lab = UserFactory(username="t_scoped_lab", role=Role.LAB, display_name="瑞华")
    scope = scope_with({Role.LAB: lambda user: Q(name__contains=user.display_name)})
    with mock.patch.object(Entity, "scope", scope):
        assert list(restrict(Entity.objects.all(), lab, VIEW)) == [entities["yinzhou"]]


def test_a_role_filter_answering_none_means_no_rows(entities):
    lab = UserFactory(username="t_scoped_lab2", role=Role.LAB)
    with mock.patch.object(Entity, "scope", scope_with({Role.LAB: lambda user: None})):
        assert not restrict(Entity.objects.all(), lab, VIEW).exists()


def test_change_still_needs_the_role_among_change_roles(entities):
    lab = UserFactory(username="t_scoped_lab3", role=Role.LAB)
    with mock.patch.object(Entity, "scope", scope_with({Role.LAB: lambda user: Q()})):
        assert restrict(Entity.objects.all(), lab, VIEW).count() == 2
        assert not restrict(Entity.objects.all(), lab, CHANGE).exists()
    with mock.patch.object(Entity, "scope", scope_with({Role.LAB: lambda user: Q()}, {Role.LAB})):
        assert restrict(Entity.objects.all(), lab, CHANGE).count() == 2


def test_roles_without_a_filter_keep_the_jurisdiction_rules(users, entities):
    with mock.patch.object(Entity, "scope", scope_with({Role.LAB: lambda user: Q()})):
        assert list(restrict(Entity.objects.all(), users["haishu"], VIEW)) == [entities["haishu"]]
        assert restrict(Entity.objects.all(), users["admin"], VIEW).count() == 2


def test_a_lab_user_sees_nothing_of_a_model_without_a_rule_for_it(users, entities):
    lab = UserFactory(username="t_scoped_lab4", role=Role.LAB)
    assert not restrict(Entity.objects.all(), lab, VIEW).exists()
