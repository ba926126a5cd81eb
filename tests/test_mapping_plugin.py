"""--paradisco-map through pytest itself (subprocesses: real Jedi, real xdist, real
worker processes), on the example project."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MAP = "paradisco-map.json"


def read_map(pytester: pytest.Pytester, name: str = MAP) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((pytester.path / name).read_text())
    return data


def collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line and " " not in line]


def test_map_with_collect_only_then_cached_then_invalidated(inventory: pytest.Pytester) -> None:
    plain = inventory.runpytest_subprocess("--co", "-q")
    first = inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    assert first.ret == pytest.ExitCode.OK
    assert collected(first) == collected(plain)  # mapping never changes collection
    first.stdout.fnmatch_lines(
        [
            "*= paradisco =*",
            f"map: 13 of 14 functions mapped to 17 tests in 6 files -> {MAP}",
            "  import filter kept 6 of 6 test files; analysed 6, cache hits 0; workers *",
            "  closure (depth full): 61 test-function pairs, 49 direct, over 4 call edges; "
            "source files analysed 5, cache hits 0",
            "  time: targets * s, imports * s, references * s (total * s)",
        ]
    )
    data = read_map(inventory)
    assert data["version"] == 1
    assert data["rootdir"] == str(inventory.path)
    assert data["sources"] == ["src/inventory"]
    add = data["functions"]["inventory.orders.Order.add"]
    assert add["file"] == "src/inventory/orders.py"
    assert "tests/integration/test_flow.py::TestFlow::test_priced_order" in add["tests"]
    assert data["functions"]["inventory.reports.unused_helper"]["tests"] == []
    assert data["errors"] == []

    warm = inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    stats = read_map(inventory)["stats"]
    assert (stats["analysed"], stats["cache_hits"]) == (0, 6)
    assert (stats["source_analysed"], stats["source_cache_hits"]) == (0, 5)
    assert read_map(inventory)["functions"] == data["functions"]
    warm.stdout.fnmatch_lines(["*analysed 0, cache hits 6*"])

    # one function's body changes: only the files whose result depends on reports.py
    reports = inventory.path / "src/inventory/reports.py"
    reports.write_text(reports.read_text().replace('"all stocked"', '"nothing low"'))
    inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    stats = read_map(inventory)["stats"]
    assert stats["analysed_files"] == ["tests/integration/test_flow.py", "tests/test_reports.py"]
    assert stats["cache_hits"] == 4
    assert stats["source_analysed_files"] == ["src/inventory/reports.py"]

    # the source index is kept as well: a new function is a new target, and a corrupt
    # index is reported, ignored and rebuilt
    index = inventory.path / ".pytest_cache/d/paradisco-map/source-index.pickle"
    assert index.exists()
    reports.write_text(reports.read_text() + "\n\ndef added():\n    return 1\n")
    inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    assert "inventory.reports.added" in read_map(inventory)["functions"]
    index.write_bytes(b"not a pickle")
    broken = inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    broken.stdout.fnmatch_lines(
        ["*ParadiscoWarning: paradisco: ignored a corrupt map cache entry (the source index*"]
    )
    assert "inventory.reports.added" in read_map(inventory)["functions"]
    assert read_map(inventory)["stats"]["analysed"] == 0

    # a corrupt entry is reported, ignored and rebuilt
    entries = sorted((inventory.path / ".pytest_cache/d/paradisco-map").glob("*.json"))
    assert len(entries) == 6 + 5  # test files and source files
    entries[0].write_text('{"key": "trunc')
    corrupt = inventory.runpytest_subprocess("--co", "-q", "--paradisco-map")
    corrupt.stdout.fnmatch_lines(
        ["*ParadiscoWarning: paradisco: ignored 1 corrupt map cache entry*"]
    )
    stats = read_map(inventory)["stats"]
    assert stats["analysed"] + stats["source_analysed"] == 1
    assert json.loads(entries[0].read_text())["key"]

    cleared = inventory.runpytest_subprocess(
        "--co",
        "-q",
        "--paradisco-map",
        "--paradisco-cache-clear",
        "--paradisco-map-file=out/m.json",
        "--paradisco-depth=0",  # direct references only: the source is not analysed
    )
    cleared.stdout.fnmatch_lines(["*-> out/m.json", "*analysed 6, cache hits 0*"])
    direct = read_map(inventory, "out/m.json")["functions"]
    assert {name: entry["direct"] for name, entry in direct.items()} == {
        name: entry["direct"] for name, entry in read_map(inventory)["functions"].items()
    }
    assert all(entry["tests"] == entry["direct"] for entry in direct.values())


def test_xdist_maps_once_in_the_controller_and_only_mapping_imports_jedi(
    inventory: pytest.Pytester,
) -> None:
    inventory.makeconftest(
        """
        import os
        import sys

        def pytest_sessionfinish(session):
            name = os.environ.get("PYTEST_XDIST_WORKER", "controller")
            mapper = session.config.pluginmanager.has_plugin("paradisco-map")
            with open(f"mapper-{name}.txt", "w") as stream:
                stream.write(f"{mapper} {'jedi' in sys.modules}")
        """
    )
    inventory.runpytest_subprocess("--co", "-q")
    assert (inventory.path / "mapper-controller.txt").read_text() == "False False"
    result = inventory.runpytest_subprocess(
        "-n", "2", "--paradisco-map", "--paradisco-workers=0", "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=19)
    result.stdout.fnmatch_lines(
        [
            "paradisco: --paradisco-map --paradisco-source=inventory --paradisco-workers=0 "
            "--paradisco-depth=full (source: coverage [run] source in pyproject.toml)",
            "map: 13 of 14 functions mapped to 17 tests in 6 files -> paradisco-map.json",
            "*cache hits 0 (cache off: no cacheprovider); workers 0",
        ]
    )
    found = {p.name: p.read_text() for p in inventory.path.glob("mapper-*.txt")}
    assert found == {
        "mapper-controller.txt": "True True",  # mapped in-process, once
        "mapper-gw0.txt": "False False",
        "mapper-gw1.txt": "False False",
    }
    assert read_map(inventory)["stats"]["tests_mapped"] == 17


def test_errors_are_named_and_the_rest_is_mapped(inventory: pytest.Pytester) -> None:
    """A test file that does not parse, and a pool that cannot start (the executable
    it would run does not exist): one warning, the map made in-process."""
    inventory.makepyfile(**{"tests/test_broken.py": "def test_x(:\n    pass\n"})
    inventory.makeconftest(
        """
        import multiprocessing

        multiprocessing.set_executable("/nonexistent/python")
        """
    )
    result = inventory.runpytest_subprocess(
        "--co",
        "-q",
        "--paradisco-map",
        "--paradisco-workers=2",
        "--paradisco-depth=0",
        "-p",
        "no:cacheprovider",
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED  # pytest's own collection error
    result.stdout.fnmatch_lines(
        [
            "*map: 13 of 14 functions mapped*",
            "*workers 0",
            "  errors (1, their tests are still collected):",
            "    tests/test_broken.py: syntax: does not parse: * (line 1)",
        ]
    )
    assert result.stdout.str().count("the mapping worker pool could not start") == 1
    data = read_map(inventory)
    assert data["errors"] == [
        {"file": "tests/test_broken.py", "kind": "syntax", "message": data["errors"][0]["message"]}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paradisco-workers=-1"], "*--paradisco-workers*cannot be negative*"),
        (["--paradisco-workers=many"], "*'many' is not a number of workers*"),
        (["--paradisco-timeout=0"], "*the time limit must be positive*"),
        (["--paradisco-follow=my-lib"], "*'my-lib' is not a top-level module name*"),
        (
            ["--paradisco-map", "--paradisco-source=nowhere"],
            "*paradisco: --paradisco-source: 'nowhere' is neither a directory nor a module*",
        ),
    ],
)
def test_bad_values_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    pytester.makepyfile(test_a="def test_a(): pass")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_bad_environment_value_names_the_variable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARADISCO_WORKERS", "lots")
    pytester.makepyfile(test_a="def test_a(): pass")
    result = pytester.runpytest("--paradisco-map")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*PARADISCO_WORKERS=lots: 'lots' is not a number of workers*"])


def test_ini_turns_mapping_on_and_names_the_source(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        """
        [tool.pytest.ini_options]
        paradisco_map = "true"
        paradisco_source = "lib"
        paradisco_workers = "0"
        paradisco_map_file = "m.json"
        paradisco_no_cache = "true"
        """
    )
    pytester.makepyfile(
        **{
            "lib/calc.py": "def add(a, b):\n    return a + b\n",
            "test_calc.py": (
                "from lib.calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"
            ),
        }
    )
    result = pytester.runpytest_subprocess()
    result.stdout.fnmatch_lines(
        [
            "paradisco: --paradisco-map --paradisco-source=lib --paradisco-workers=0 "
            "--paradisco-depth=full (source: paradisco_source = lib (pyproject.toml))",
            "map: 1 of 1 functions mapped to 1 tests in 1 files -> m.json",
            "*cache hits 0 (cache off: --paradisco-no-cache); workers 0",
        ]
    )
    assert not (pytester.path / ".pytest_cache/d/paradisco-map").exists()
    data = json.loads(Path(pytester.path, "m.json").read_text())
    assert data["functions"]["lib.calc.add"]["tests"] == ["test_calc.py::test_add"]


def run_on_a_terminal(cwd: Path, *args: str) -> str:
    """Run pytest with its output on a pseudo-terminal, as from a shell, and return all
    it wrote (progress lines are rewritten in place with carriage returns)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PY_COLORS": "0", "COLUMNS": "100"}
    command = [sys.executable, "-m", "pytest", "--paradisco-workers=0", *args]
    proc = subprocess.Popen(
        command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    try:
        while select.select([master], [], [], 300)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait(timeout=60)
    return b"".join(chunks).decode(errors="replace")


PROGRESS = re.compile(r"paradisco: mapping, ([\w ]+): (\d+)/(\d+) files")


def test_progress_on_a_terminal_only(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\npythonpath = ["src"]\nparadisco_map = "true"\n'
    )
    pytester.makepyfile(
        **{
            "src/calc/__init__.py": "",
            "src/calc/ops.py": "def add(a, b):\n    return a + b\n",
            "src/calc/more.py": (
                "from calc.ops import add\n\ndef twice(a):\n    return add(a, a)\n"
            ),
            "tests/test_add.py": (
                "from calc.ops import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"
            ),
            "tests/test_twice.py": (
                "from calc.more import twice\n\ndef test_twice():\n    assert twice(2) == 4\n"
            ),
            "tests/test_plain.py": "def test_plain():\n    pass\n",
        }
    )
    out = run_on_a_terminal(pytester.path, "--co")
    steps = [(m[1], int(m[2]), int(m[3])) for m in PROGRESS.finditer(out)]
    # files counted as they are done, per phase (at most twice a second, but always the
    # first and the last): 3 test files through the import filter, then Jedi over the 2
    # it kept and the 3 source files (the call graph)
    phases = {"import filter": 3, "Jedi": 5}
    names = [name for name, _, _ in steps]
    assert names == sorted(names, key=list(phases).index), steps  # one phase after the other
    for phase, total in phases.items():
        assert {of for name, _, of in steps if name == phase} == {total}, steps
        counts = [done for name, done, _ in steps if name == phase]
        assert counts[0] == 1, steps
        assert counts[-1] == total, steps
        assert counts == sorted(set(counts)), steps
    assert "\rcollected 3 items" in out  # pytest's counter takes the line back

    # under xdist the controller maps (from the cache now) before the session header,
    # which still starts at the beginning of a line
    out = run_on_a_terminal(pytester.path, "-n", "2")
    assert {m[1] for m in PROGRESS.finditer(out)} == {"import filter"}
    assert re.search(r"(^|[\r\n])=+ test session starts =+\r\n", out), out[:2000]
    assert "= 3 passed in " in out

    # silent with -q, and when the output is not a terminal
    assert "paradisco: mapping," not in run_on_a_terminal(pytester.path, "--co", "-q")
    piped = pytester.runpytest_subprocess("--co", "--paradisco-workers=0")
    assert piped.ret == pytest.ExitCode.OK
    assert "paradisco: mapping," not in piped.stdout.str()
