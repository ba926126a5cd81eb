"""Small generated projects with a known coverage total, and helpers to read real
coverage reports, shared by the coverage tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLEAN_ENV_PREFIXES = ("PARADISCO_", "COVERAGE_", "GITHUB_", "CI_", "CIRCLE_", "BUILDKITE_")


def module_source(executed: int, total: int) -> str:
    """A module whose coverage is ``executed`` of ``total`` statements when ``hit()`` is
    called: two ``def`` lines run at import, ``hit`` has executed-2 body statements,
    ``miss`` total-executed."""
    hit = executed - 2
    miss = total - executed
    assert hit >= 1
    assert miss >= 1
    lines = ["def hit():"] + [f"    a{i} = {i}" for i in range(hit)]
    lines += ["", "", "def miss():"] + [f"    b{i} = {i}" for i in range(miss)]
    return "\n".join(lines) + "\n"


def numbered_project(
    root: Path,
    executed: int,
    total: int,
    *,
    precision: int = 2,
    tests: int = 4,
    extra_run: str = "",
    extra: str = "",
) -> Path:
    """A project measuring ``pkg`` in parallel mode: exactly executed/total covered."""
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text(module_source(executed, total))
    (root / "tests").mkdir(exist_ok=True)
    for index in range(tests):
        (root / "tests" / f"test_t{index}.py").write_text(
            "from pkg.mod import hit\n\n\ndef test_hit():\n    hit()\n"
        )
    (root / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        'testpaths = ["tests"]\n'
        'pythonpath = ["."]\n'
        "\n[tool.coverage.run]\n"
        'source = ["pkg"]\n'
        "parallel = true\n"
        f"{extra_run}"
        "\n[tool.coverage.report]\n"
        f"precision = {precision}\n"
        f"{extra}"
    )
    return root


def clean_env() -> dict[str, str]:
    """The environment for a child process, without the outer run's CI and coverage
    variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEAN_ENV_PREFIXES)}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command (``python -m ...`` when args[0] is a module name) in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def coverage_total(cwd: Path, *extra: str) -> str:
    """The total the real ``coverage report`` prints in ``cwd`` (as displayed)."""
    result = run(["coverage", "report", "--format=total", *extra], cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def data_files(path: Path) -> list[str]:
    """Coverage data files in ``path`` (the combined one and any parallel leftovers)."""
    return sorted(p.name for p in path.iterdir() if re.fullmatch(r"\.coverage(\..*)?", p.name))


def paradisco_line(outlines: list[str]) -> str:
    """The ``paradisco: coverage ...`` summary line."""
    found = [line for line in outlines if re.match(r"paradisco: coverage [\d.]+%", line)]
    if not found:
        pytest.fail("no paradisco coverage line in:\n" + "\n".join(outlines))
    return found[-1]
