"""Production posture: no default secret, DEBUG off, `check --deploy` clean."""

import os
import subprocess
import sys

import pytest


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "ZHIJIAN_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set the last
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "zhijian.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", ZHIJIAN_MODE="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_unknown_mode_is_refused():
    result = run_manage("check", ZHIJIAN_MODE="staging")
    assert result.returncode != 0 and "ZHIJIAN_MODE" in result.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    from zhijian.core.signing import generate_key_file

    key = generate_key_file(tmp_path / "audit-signing.pem")
    production = {
        "ZHIJIAN_MODE": "production",
        "SECRET_KEY": "x" * 20 + "production-grade-secret-value-for-test-only-0123456789",
    }
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", ZHIJIAN_AUDIT_SIGNING_KEY=str(key), **production
    )
    assert result.returncode == 0, result.stdout + result.stderr
    without_key = run_manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert without_key.returncode != 0 and "ZHIJIAN_AUDIT_SIGNING_KEY" in without_key.stderr


def test_debug_is_off_unless_asked(settings):
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_demo_command_refuses_demo_accounts_in_production():
    result = run_manage(
        "demo",
        "--count",
        "10",
        ZHIJIAN_MODE="production",
        SECRET_KEY="y" * 60,
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0 and "生产模式下不创建演示账户" in result.stderr


def test_the_platforms_own_static_files_are_found_for_collectstatic():
    result = run_manage("findstatic", "zhijian/site.css", "vendor/htmx.min.js", ZHIJIAN_MODE="test")
    assert result.returncode == 0, result.stderr
    assert "src/zhijian/static/zhijian/site.css" in result.stdout
    assert "src/zhijian/static/vendor/htmx.min.js" in result.stdout
