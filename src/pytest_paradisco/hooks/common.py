"""What the hook modules share: the registered plugin names, the ``config.stash`` keys,
the mapping's result handed to the selection, and the warning helper."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pytest

from pytest_paradisco.errors import ParadiscoWarning
from pytest_paradisco.options import Settings

if TYPE_CHECKING:
    from pytest_paradisco.affected import Root

SETTINGS_KEY = pytest.StashKey[Settings]()
#: The mapping's summary lines, shown in the one ``paradisco`` section.
MAP_SUMMARY_KEY = pytest.StashKey[list[str]]()
#: The selection's summary lines, shown in the same section.
SELECT_SUMMARY_KEY = pytest.StashKey[list[str]]()
PLUGIN_NAME = "paradisco-session"
MAP_PLUGIN_NAME = "paradisco-map"
SELECT_PLUGIN_NAME = "paradisco-select"


class MapResult:
    """What this session's mapping produced, for the selection: the map's JSON form
    (None when mapping failed), the mapped source roots and the test files."""

    def __init__(
        self,
        testmap: dict[str, Any] | None,
        roots: list[Root],
        test_files: list[str],
        coverage_mtime: float | None = None,
    ) -> None:
        self.testmap = testmap
        self.roots = roots
        self.test_files = test_files
        self.coverage_mtime = coverage_mtime


MAP_RESULT_KEY = pytest.StashKey[MapResult]()
#: The words after a bare ``--paradisco-diff`` that were kept as paths to test.
GIVEN_BACK_KEY = pytest.StashKey[list[str]]()


def warn(config: pytest.Config, message: str) -> None:
    """Show a ParadiscoWarning in pytest's warnings summary, honouring ``ignore`` filters
    but never ``error``: many projects set ``filterwarnings = error`` (click, jinja2),
    which would turn a warning into an exception inside a hook (INTERNALERROR, exit 3),
    while what we warn about (an empty shard, an unusable durations file, coverage that
    measures nothing) must not stop the run."""
    warning = ParadiscoWarning(message)
    try:
        config.issue_config_time_warning(warning, stacklevel=3)
    except ParadiscoWarning:
        config.hook.pytest_warning_recorded.call_historic(
            kwargs={
                "warning_message": warnings.WarningMessage(warning, ParadiscoWarning, __file__, 0),
                "when": "config",
                "nodeid": "",
                "location": None,
            }
        )
