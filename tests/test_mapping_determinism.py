"""The map does not depend on the process that made it: the same class name defined in
two modules, one rebinding the other (boltons' ``urlutils.OrderedMultiDict``, a copy of
``dictutils.OrderedMultiDict`` replaced by an import of it), mapped differently in the
pytest process and in each worker, because Jedi's MRO followed a set ordered by memory
address. Real Jedi, real pytest processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PAIRS = 8  # independent ambiguous bases: all of them agreeing by chance is unlikely

ORIGINAL = "\n".join(
    f"class OMD{i}(dict):\n    def m(self):\n        return {i}\n\n" for i in range(PAIRS)
)
COPY = (
    "\n".join(
        f"class OMD{i}(dict):\n    def m(self):\n        return -{i}\n\n" for i in range(PAIRS)
    )
    + "\ntry:\n    from .dictlike import "
    + ", ".join(f"OMD{i}" for i in range(PAIRS))
    + "\nexcept ImportError:\n    pass\n\n\n"
    + "\n".join(
        f"class Query{i}(OMD{i}):\n    def show(self):\n        return self.m()\n\n"
        for i in range(PAIRS)
    )
)
TESTS = "from lib.urls import " + ", ".join(f"Query{i}" for i in range(PAIRS)) + "\n\n\n"
TESTS += "\n".join(
    f"def test_query{i}():\n    q = Query{i}()\n    assert q.m() == q.show() == {i}\n\n"
    for i in range(PAIRS)
)


@pytest.fixture
def twins(pytester: pytest.Pytester) -> Path:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\npythonpath = ["."]\n')
    pytester.mkpydir("lib")
    (pytester.path / "lib" / "dictlike.py").write_text(ORIGINAL, encoding="utf-8")
    (pytester.path / "lib" / "urls.py").write_text(COPY, encoding="utf-8")
    pytester.makepyfile(test_urls=TESTS)
    return pytester.path


def map_with(pytester: pytest.Pytester, workers: int) -> dict[str, object]:
    out = f"map-{workers}.json"
    result = pytester.runpytest_subprocess(
        "--co",
        "-q",
        "--paradisco-map",
        f"--paradisco-workers={workers}",
        "--paradisco-source=lib",
        "--paradisco-no-cache",
        f"--paradisco-map-file={out}",
    )
    assert result.ret == 0, result.stdout.str()
    data: dict[str, object] = json.loads((pytester.path / out).read_text(encoding="utf-8"))
    return data


def test_parallel_map_equals_sequential_map_with_twin_classes(
    pytester: pytest.Pytester, twins: Path
) -> None:
    sequential = map_with(pytester, 0)
    parallel = map_with(pytester, 2)
    assert sequential["functions"] == parallel["functions"]
    assert sequential["errors"] == parallel["errors"] == []
    functions = sequential["functions"]
    assert isinstance(functions, dict)
    # each ambiguous base resolved the same way, in a fixed order (here the rebinding
    # import's class, which is also the one that runs)
    for i in range(PAIRS):
        test = f"test_urls.py::test_query{i}"
        assert functions[f"lib.dictlike.OMD{i}.m"]["direct"] == [test]
        assert functions[f"lib.dictlike.OMD{i}.m"]["tests"] == [test]
        assert functions[f"lib.urls.OMD{i}.m"]["tests"] == []
        assert functions[f"lib.urls.Query{i}.show"]["direct"] == [test]


def test_getattr_over_several_names_follows_each_of_them(pytester: pytest.Pytester) -> None:
    """six 1.16.0's ``for name in "keys", "values", "items", "lists": meth =
    getattr(six, "iter" + name)``: Jedi answered with the first name of a set ordered by
    memory address, so the test mapped to ``iterkeys`` in one run and ``iterlists`` in
    the next; every name the argument may be is followed, in every process alike."""
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\npythonpath = ["."]\n')
    pytester.mkpydir("lib")
    (pytester.path / "lib" / "compat.py").write_text(
        "".join(f"def iter{name}(d):\n    return iter(d)\n\n\n" for name in NAMES),
        encoding="utf-8",
    )
    pytester.makepyfile(
        test_compat=(
            "import lib.compat as compat\n\n\n"
            "def test_iterators():\n"
            f"    for name in {', '.join(repr(n) for n in NAMES)}:\n"
            '        meth = getattr(compat, "iter" + name)\n'
            "        assert list(meth({1: 2})) == [1]\n"
        )
    )
    sequential = map_with(pytester, 0)
    assert sequential["functions"] == map_with(pytester, 2)["functions"]
    functions = sequential["functions"]
    assert isinstance(functions, dict)
    for name in NAMES:
        assert functions[f"lib.compat.iter{name}"]["direct"] == ["test_compat.py::test_iterators"]


NAMES = ("keys", "values", "items", "lists")
