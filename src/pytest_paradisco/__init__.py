"""pytest-paradisco: shard, map and measure large pytest suites."""

from __future__ import annotations

from pytest_paradisco.errors import ParadiscoWarning
from pytest_paradisco.options import Settings
from pytest_paradisco.shard import SCHEME, shard_of

__version__ = "0.1.0.dev0"

__all__ = ["SCHEME", "ParadiscoWarning", "Settings", "__version__", "shard_of"]
