"""The checklist of docs/architecture.md ("Adding a domain app"), checked for every domain app.

A new app that skips a step fails here with the step named: no policies, no namespaced URLs, a module
over 600 lines, no docs page, no demo loader, missing from the import contracts.
"""

from __future__ import annotations

import tomllib
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from zhijian.core.access import all_policies

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "zhijian"
# Not domain apps: the core, the register beneath them, the public portal and the demo builder.
NOT_DOMAIN = {"core", "registry", "demo", "portal"}
MAX_LINES = 600


def _zhijian_apps():
    return [c for c in apps.get_app_configs() if c.name.startswith("zhijian.")]


def _domain_apps():
    return [c for c in _zhijian_apps() if c.label not in NOT_DOMAIN]


def _modules(config, part: str) -> list[Path]:
    base = Path(config.path)
    single = base / f"{part}.py"
    package = base / part
    return [single] if single.exists() else sorted(package.glob("*.py")) if package.is_dir() else []


@pytest.mark.parametrize("config", _domain_apps(), ids=lambda c: c.label)
def test_domain_app_follows_the_checklist(config):
    missing = []
    if not any(name.startswith(f"{config.label}.") for name in all_policies()):
        missing.append("policies.py declares no access policy")
    for _prefix, module in getattr(config, "urls", ()):
        if not getattr(import_module(module), "app_name", None):
            missing.append(f"{module} has no app_name namespace")
    if not getattr(config, "urls", None):
        missing.append("AppConfig.urls does not mount the app's pages")
    if not getattr(config, "demo_loader", "").startswith("zhijian.demo."):
        missing.append("demo_loader is not under zhijian.demo.<app>")
    if not (ROOT / "docs" / f"{config.label}.md").exists():
        missing.append(f"docs/{config.label}.md is missing")
    if not (Path(config.path) / "services").is_dir():
        missing.append("services/ package (one module per aggregate) is missing")
    assert not missing, f"{config.label}: " + "; ".join(missing)


@pytest.mark.parametrize("config", _zhijian_apps(), ids=lambda c: c.label)
def test_no_services_views_or_api_module_over_600_lines(config):
    too_long = []
    for part in ("services", "views", "api"):
        for module in _modules(config, part):
            lines = len(module.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{module.relative_to(SRC)}: {lines} lines")
    assert not too_long, "split by aggregate: " + "; ".join(too_long)


def test_every_domain_app_is_in_both_import_contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["type"] == "independence")["modules"]
    layers = " ".join(next(c for c in contracts if c["type"] == "layers")["layers"])
    for app in _domain_apps():
        assert app.name in independent, f"{app.name} is not in the independence contract"
        assert app.name in layers, f"{app.name} is not in the layers contract"


def test_migrations_import_no_live_app_code():
    offenders = []
    for migration in SRC.glob("*/migrations/0*.py"):
        for number, line in enumerate(migration.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            # a model field class (registry.search.BigramsField) is schema, not live logic
            if stripped.startswith(("from zhijian", "import zhijian")) and "registry.search" not in stripped:
                offenders.append(f"{migration.relative_to(SRC)}:{number}: {stripped}")
    assert not offenders, "freeze what a migration needs into it:\n" + "\n".join(offenders)


def test_role_groups_name_exactly_the_roles():
    from zhijian.core.models import Role
    from zhijian.core.roles import ALL_ROLES

    assert set(Role.values) == ALL_ROLES
