"""Doctests of source modules are tests when the session collects them
(``--doctest-modules``): they map to the functions and classes their examples name."""

from __future__ import annotations

import json
import textwrap

import pytest

OPS = '''
    """Arithmetic.

    >>> Acc().total
    0
    """
    from calc.helpers import double


    class Acc:
        def __init__(self):
            self.total = 0

        def push(self, value):
            """
            >>> acc = Acc()
            >>> acc.push(2)
            >>> Acc.peek(acc)
            2
            """
            self.total += value

        def peek(self):
            return self.total


    def add(a, b):
        """
        >>> add(1, double(1))
        3
        """
        return a + b


    def sub(a, b):
        """No examples here."""
        return a - b
'''


def test_doctests_map_to_what_their_examples_name(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    package = pytester.path / "src/calc"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ops.py").write_text(textwrap.dedent(OPS))
    (package / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    args = ("--co", "-q", "--paradisco-map", "--paradisco-workers=0", "--paradisco-depth=0")
    result = pytester.runpytest_subprocess(*args, "--doctest-modules", "src")
    assert result.ret == pytest.ExitCode.OK
    collected = {line for line in result.outlines if "::" in line and " " not in line}
    functions = json.loads((pytester.path / "paradisco-map.json").read_text())["functions"]
    direct = {name: set(entry["direct"]) for name, entry in functions.items()}
    ops = "src/calc/ops.py::calc.ops"
    assert direct["calc.ops.add"] == {f"{ops}.add"}
    assert direct["calc.helpers.double"] == {f"{ops}.add"}  # imported into the module
    assert direct["calc.ops.Acc.__init__"] == {ops, f"{ops}.Acc.push"}  # called: constructed
    assert direct["calc.ops.Acc.peek"] == {f"{ops}.Acc.push"}  # named through its class
    assert direct["calc.ops.sub"] == set()
    # the map names doctests as pytest collects them
    assert set().union(*direct.values()) <= collected

    # without --doctest-modules, pytest collects no doctest, and the map has none
    pytester.runpytest_subprocess(*args, "src")
    functions = json.loads((pytester.path / "paradisco-map.json").read_text())["functions"]
    assert all(entry["direct"] == [] for entry in functions.values())


USAGE = """
    Usage
    =====

    >>> from calc import *
    >>> add(1, 2)
    3
    >>> from calc.helpers import double
    >>> double(2)
    4
"""


@pytest.mark.parametrize("workers", ["0", "2"])
@pytest.mark.parametrize("xdist", [False, True])
def test_text_file_doctests_map_to_what_their_examples_name(
    pytester: pytest.Pytester, workers: str, xdist: bool
) -> None:
    """A text file's doctest (``--doctest-glob``, voluptuous' ``--doctest-glob=*.md``
    over ``tests.md``) is a test of what its examples name, a star import's names
    included; under xdist the controller finds the files by the same glob. A text file
    without examples is no test, as pytest collects none from it."""
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    package = pytester.path / "src/calc"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from calc.ops import *\n")
    (package / "ops.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    )
    (package / "helpers.py").write_text("def double(x):\n    return 2 * x\n")
    docs = pytester.path / "docs"
    docs.mkdir()
    (docs / "usage.md").write_text(textwrap.dedent(USAGE))
    (docs / "notes.md").write_text("No examples here.\n")
    (docs / "other.txt").write_text(">>> 1\n1\n")  # not matched by the glob given
    args = ["--co", "-q", "--paradisco-map", f"--paradisco-workers={workers}"]
    args += ["--paradisco-source=calc", "--doctest-glob=*.md", "docs"]
    if xdist:
        args += ["-n", "2"]
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.OK
    data = json.loads((pytester.path / "paradisco-map.json").read_text())
    functions = data["functions"]
    usage = "docs/usage.md::usage.md"
    assert functions["calc.ops.add"]["direct"] == [usage]
    assert functions["calc.helpers.double"]["direct"] == [usage]
    assert functions["calc.ops.sub"]["tests"] == []
    assert data["stats"]["tests"] == 1
    assert data["unmapped"] == []
    if not xdist:
        result.stdout.fnmatch_lines([usage])
