"""Benchmarks cannot rot unnoticed (issue 15 item 8): every benchmark is in ``make bench-smoke``'s
one list, and every name a benchmark imports from the platform exists."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _smoke():
    spec = importlib.util.spec_from_file_location("bench_smoke", BENCH / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _benchmarks() -> list[Path]:
    return sorted([*BENCH.glob("bench_*.py"), *BENCH.glob("experiment_*.py")])


def test_every_benchmark_is_in_the_smoke_list():
    smoke = _smoke()
    listed = {step.script for step in smoke.SMOKE}
    missing = [p.name for p in _benchmarks() if p.name not in listed]
    assert not missing, f"add these to SMOKE in bench/smoke.py: {missing}"
    assert all((BENCH / script).exists() for script in listed)
    assert len({s.name for s in smoke.SMOKE}) == len(smoke.SMOKE)
    assert all("bench" in smoke.database(s) for s in smoke.SMOKE)


@pytest.mark.parametrize("script", _benchmarks(), ids=lambda p: p.name)
def test_every_platform_name_a_benchmark_imports_exists(script):
    """The failure of issue 15: ``from zhijian.registry.importing import _sha256`` after a rename."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zhijian"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(
                    f"{node.module}.{alias.name}"
                ), f"{script.name}: {node.module} has no {alias.name}"


def _calls_django_setup(node) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and "django_setup" in ast.unparse(node.value.func)
    )


@pytest.mark.parametrize("script", _benchmarks(), ids=lambda p: p.name)
def test_no_benchmark_imports_the_platform_before_django_is_set_up(script):
    """A module-level ``from zhijian…`` import before ``django_setup()`` fails on the settings."""
    early = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if _calls_django_setup(node):
            break
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zhijian"):
            early.append(node.module)
        elif isinstance(node, ast.Import):
            early += [a.name for a in node.names if a.name.startswith("zhijian")]
    assert not early, f"{script.name} imports {early} before django_setup(): import inside main() after it"
