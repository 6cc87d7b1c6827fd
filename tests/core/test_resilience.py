"""Under faults (issue 15, item 7): the database going away is answered at once and survived."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from zhijian.core.management.commands import worker
from zhijian.core.middleware import DatabaseUnavailableMiddleware


def _down(request):
    raise AssertionError("process_exception is called by the handler, not the view")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/entities/", "text/html; charset=utf-8"), ("/api/v1/entities", "application/json")],
)
def test_a_database_outage_is_a_503_with_a_chinese_message(path, content_type):
    middleware = DatabaseUnavailableMiddleware(_down)
    response = middleware.process_exception(
        RequestFactory().get(path), OperationalError("server closed the connection")
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == content_type
    assert "数据库暂时不可用" in response.content.decode()


def test_other_exceptions_are_left_to_django():
    middleware = DatabaseUnavailableMiddleware(_down)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_the_worker_starts_the_task_runner_again_after_the_database_went_away(monkeypatch):
    """Before: db_worker's OperationalError ended ``zhijian worker``; now it resumes by itself."""
    calls = []

    def db_worker(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker, "DATABASE_RETRY_SECONDS", 0.01)
    worker.run_tasks_until_stopped(threading.Event(), interval=1.0, verbosity=0)
    assert len(calls) == 3


def test_the_worker_stops_retrying_when_asked(monkeypatch):
    stop = threading.Event()

    def db_worker(*args, **kwargs):
        stop.set()  # SIGTERM arrived while the database was away
        raise OperationalError("connection refused")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker, "DATABASE_RETRY_SECONDS", 0.01)
    worker.run_tasks_until_stopped(stop, interval=1.0, verbosity=0)
    assert stop.is_set()
