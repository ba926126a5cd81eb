from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester with the outer run's CI and paradisco variables removed, so an inner
    session sees only what a test sets."""
    for name in list(os.environ):
        if name.startswith(("PARADISCO_", "CI_NODE_", "CIRCLE_NODE_", "BUILDKITE_PARALLEL")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    return pytester


@pytest.fixture
def inventory(pytester: pytest.Pytester) -> pytest.Pytester:
    """The example project of examples/inventory, copied into pytester's directory."""
    shutil.copytree(EXAMPLES / "inventory", pytester.path, dirs_exist_ok=True)
    return pytester
