"""pytest-paradisco: shard, map and measure large pytest suites."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pytest_paradisco.errors import ParadiscoWarning

if TYPE_CHECKING:
    from pytest_paradisco.options import Settings
    from pytest_paradisco.shard import SCHEME, shard_of

__version__ = "0.1.0.dev0"

__all__ = ["SCHEME", "ParadiscoWarning", "Settings", "__version__", "shard_of"]

# Loaded on first use, so that the `paradisco` command (which needs neither) does not
# import pytest just to start.
_LAZY = {
    "Settings": "pytest_paradisco.options",
    "SCHEME": "pytest_paradisco.shard",
    "shard_of": "pytest_paradisco.shard",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_paradisco' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
