"""Balanced shards: the packing, the weights, durations, and real sessions."""

from __future__ import annotations

import json
import random
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_paradisco import durations
from pytest_paradisco.balance import (
    balanced_assignment,
    best_possible_ratio,
    estimate_tests,
    estimate_weights,
    loads,
    weights_from_durations,
)
from pytest_paradisco.shard import imbalance
from pytest_paradisco.testfiles import find_test_files

weight_maps = st.dictionaries(
    st.from_regex(r"tests/[a-z]{1,6}/test_[a-z0-9]{1,6}\.py", fullmatch=True),
    st.integers(min_value=1, max_value=60),
    min_size=1,
    max_size=80,
)


@given(weight_maps, st.integers(min_value=1, max_value=9))
def test_every_file_gets_one_shard_in_range(weights: dict[str, int], total: int) -> None:
    assignment = balanced_assignment(weights, total)
    assert set(assignment) == set(weights)
    assert all(0 <= shard < total for shard in assignment.values())


@given(weight_maps, st.integers(min_value=1, max_value=9), st.randoms(use_true_random=False))
def test_order_of_input_does_not_matter(
    weights: dict[str, int], total: int, rng: random.Random
) -> None:
    items = list(weights.items())
    rng.shuffle(items)
    assert balanced_assignment(dict(items), total) == balanced_assignment(weights, total)


def random_suite(rng: random.Random, files: int, tag: str = "") -> dict[str, int]:
    return {f"tests/{tag}t{i}.py": max(1, int(rng.lognormvariate(1.5, 1.0))) for i in range(files)}


@pytest.mark.parametrize("total", [2, 4, 8])
def test_balanced_within_ten_percent_where_the_largest_file_allows(total: int) -> None:
    rng = random.Random(total)
    for trial in range(20):
        weights = random_suite(rng, 250, f"{trial}_")
        ratio = imbalance(loads(balanced_assignment(weights, total), weights, total))
        bound = best_possible_ratio(weights.values(), total)
        assert ratio <= max(1.10, bound + 0.01), (trial, ratio, bound)


def test_adding_a_file_moves_fewer_than_two_others_on_average() -> None:
    rng = random.Random(7)
    moved = []
    for trial in range(40):
        weights = random_suite(rng, 200, f"{trial}_")
        before = balanced_assignment(weights, 4)
        grown = dict(weights, **{f"tests/{trial}_new.py": 3})
        after = balanced_assignment(grown, 4)
        moved.append(sum(1 for key in weights if before[key] != after[key]))
    assert statistics.mean(moved) < 2, moved


def test_coarse_suites_still_even_out() -> None:
    weights = {"a.py": 6, "b.py": 5, "c.py": 2, "d.py": 2, "e.py": 2, "f.py": 2}
    load = loads(balanced_assignment(weights, 3), weights, 3)
    assert max(load) == 7


@pytest.mark.parametrize(
    ("source", "tests"),
    [
        ("def test_a(): pass\ndef test_b(): pass\ndef helper(): pass\n", 2),
        ("async def test_a(): pass\n", 1),
        ("class TestX:\n    def test_a(self): pass\n    def test_b(self): pass\n", 2),
        ("class Helper:\n    def test_a(self): pass\n", 0),
        (
            "import pytest\n@pytest.mark.parametrize('x', [1, 2, 3])\n"
            "@pytest.mark.parametrize('y', (1, 2))\ndef test_a(x, y): pass\n",
            6,
        ),
        ("import pytest\n@pytest.mark.parametrize('x', CASES)\ndef test_a(x): pass\n", 1),
        (
            "import pytest\nCASES = [1, 2, 3]\n@pytest.mark.parametrize('x', CASES)\n"
            "def test_a(x): pass\n",
            3,
        ),
        (
            "import itertools, pytest\nA = [1, 2, 3]\nB = (*A, 4)\n"
            "@pytest.mark.parametrize('x,y', itertools.product(A, B))\ndef test_a(x, y): pass\n"
            "@pytest.mark.parametrize('x', [a for a in A for b in range(2)])\n"
            "def test_b(x): pass\n"
            "@pytest.mark.parametrize('x', itertools.chain.from_iterable([[a, a] for a in A]))\n"
            "def test_c(x): pass\n"
            "@pytest.mark.parametrize(argnames='x', argvalues=A + [9] * 2)\n"
            "def test_d(x): pass\n",
            12 + 6 + 6 + 5,
        ),
        (
            "import pytest\nURLS = ['a', 'b', 'c']\n"
            "@pytest.fixture(params=URLS)\ndef url(request): return request.param\n"
            "def test_a(url): pass\ndef test_b(): pass\n",
            4,
        ),
        (
            "from unittest import TestCase\nclass Mixin:\n    def test_m(self): pass\n"
            "class Base(TestCase):\n    def test_b(self): pass\n"
            "class Bytes(Base, Mixin):\n    def test_x(self): pass\n",
            1 + 3,
        ),
        (
            "import pytest\n@pytest.mark.parametrize('x', [1, 2])\nclass TestP:\n"
            "    def test_a(self, x): pass\n    def test_b(self, x): pass\n",
            4,
        ),
    ],
)
def test_estimate_tests(source: str, tests: int) -> None:
    assert estimate_tests(source) == tests


def test_estimate_weights_falls_back_to_size_for_unparsable_files() -> None:
    weights = estimate_weights({"ok.py": b"def test_a(): pass\n", "bad.py": b"def (:\n" * 100})
    assert weights.values["ok.py"] == 1
    assert weights.values["bad.py"] == len(b"def (:\n" * 100) // 200
    assert "1 by size" in weights.detail


def test_durations_beat_the_estimate_and_scale_new_files() -> None:
    estimate = estimate_weights(
        {"a.py": b"def test_a(): pass\n" * 1, "b.py": b"def test_b(): pass\ndef test_c(): pass\n"}
    )
    weights = weights_from_durations({"a.py": 2.0}, estimate, "d.json")
    assert weights.values == {"a.py": 2000, "b.py": 4000}
    assert weights.source == "durations"
    assert "1 of 2 files recorded" in weights.detail


def test_durations_roundtrip_merge_and_bad_files(tmp_path: Path) -> None:
    target = tmp_path / "d.json"
    durations.write(target, {"tests/a.py": 1.5})
    durations.write(target, {"tests/b.py": 0.5})
    assert durations.load(target) == {"tests/a.py": 1.5, "tests/b.py": 0.5}
    other = tmp_path / "shard1" / "d.json"
    durations.write(other, {"tests/a.py": 3.0})
    broken = tmp_path / "shard2" / "d.json"
    broken.parent.mkdir()
    broken.write_text("{not json")
    merged, problems = durations.read(durations.expand("**/d.json", tmp_path))
    assert merged is not None
    assert merged.files == {"tests/a.py": 3.0, "tests/b.py": 0.5}
    assert len(problems) == 1
    assert str(broken) in problems[0]
    assert not list(tmp_path.rglob("*.tmp"))


def test_durations_of_another_format_are_named(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"tests/a.py": 1.0}))
    with pytest.raises(durations.DurationsError, match="not a version-1 paradisco durations"):
        durations.load(path)


def test_find_test_files_follows_pytest_rules(tmp_path: Path) -> None:
    for rel in [
        "tests/test_a.py",
        "tests/sub/test_b.py",
        "tests/sub/helper.py",
        "tests/conftest.py",
        "tests/build/test_c.py",
        "tests/.hidden/test_d.py",
        "tests/venv/test_e.py",
        "tests/skipme/test_f.py",
        "tests/g_test.py",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    (tmp_path / "tests" / "venv" / "pyvenv.cfg").write_text("")
    found = find_test_files(
        ["tests"],
        tmp_path,
        ["test_*.py", "*_test.py"],
        ["build", ".*"],
        ignore=["tests/skipme"],
    )
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == ["tests/g_test.py", "tests/sub/test_b.py", "tests/test_a.py"]
    assert find_test_files(["tests/test_a.py::test_x"], tmp_path, ["test_*.py"], []) == [
        tmp_path / "tests" / "test_a.py"
    ]


# -- real sessions


def make_uneven_suite(root: Path) -> dict[str, int]:
    sizes = {}
    for i in range(14):
        tests = (1, 2, 3, 12, 1, 5)[i % 6]
        rel = f"tests/test_u{i:02d}.py"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"def test_{j}():\n    pass\n" for j in range(tests)))
        sizes[rel] = tests
    return sizes


def ids(result: pytest.RunResult) -> set[str]:
    return {line for line in result.outlines if "::" in line and " " not in line}


def test_balanced_shards_are_disjoint_complete_and_even(pytester: pytest.Pytester) -> None:
    sizes = make_uneven_suite(pytester.path)
    full = ids(pytester.runpytest("--co", "-q"))
    assert len(full) == sum(sizes.values())
    for total in (2, 3, 4):
        shards = [
            ids(pytester.runpytest("--co", "-q", f"--shard={k}/{total}", "--shard-by=balanced"))
            for k in range(total)
        ]
        assert sum(len(s) for s in shards) == len(full)
        assert set().union(*shards) == full
        assert imbalance(len(s) for s in shards) <= max(
            1.10, best_possible_ratio(sizes.values(), total) + 0.01
        )


def test_balanced_shard_imports_only_its_files(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    for path in (pytester.path / "tests").glob("test_*.py"):
        rel = f"tests/{path.name}"
        path.write_text(
            "import os\nwith open(os.environ['IMPORT_LOG'], 'a') as log:\n"
            f"    log.write({rel!r} + '\\n')\n" + path.read_text()
        )
    log = pytester.path / "imports.log"
    pytester._monkeypatch.setenv("IMPORT_LOG", str(log))
    seen: list[str] = []
    for k in range(3):
        log.write_text("")
        result = pytester.runpytest(f"--shard={k}/3", "--shard-by=balanced")
        result.stdout.fnmatch_lines(
            ["paradisco: *--shard-by=balanced [[]balanced-v1; weights: ast*"]
        )
        imported = log.read_text().split()
        collected = {
            n.split("::")[0]
            for n in ids(pytester.runpytest("--co", "-q", f"--shard={k}/3", "--shard-by=balanced"))
        }
        assert set(imported) == collected
        seen += imported
    assert sorted(seen) == sorted(f"tests/test_u{i:02d}.py" for i in range(14))


def test_store_then_use_durations(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    (pytester.path / "tests" / "test_slow.py").write_text(
        "import time\ndef test_slow():\n    time.sleep(0.3)\n"
    )
    result = pytester.runpytest_subprocess("--paradisco-store-durations", "-n", "2")
    assert result.ret == pytest.ExitCode.OK
    stored = durations.load(pytester.path / ".paradisco-durations.json")
    assert set(stored) == {f"tests/test_u{i:02d}.py" for i in range(14)} | {"tests/test_slow.py"}
    assert stored["tests/test_slow.py"] >= 0.3
    plan = pytester.runpytest("--shard-plan", "--shard-total=2", "--shard-by=balanced")
    plan.stdout.fnmatch_lines(
        ["weights: durations from .paradisco-durations.json (15 of 15 files recorded)"]
    )
    run = pytester.runpytest("--shard=0/2", "--shard-by=balanced")
    run.stdout.fnmatch_lines(["*[[]balanced-v1; weights: durations from*expected max/mean*"])


def test_corrupt_durations_are_named_and_estimate_used(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    (pytester.path / "d.json").write_text("{broken")
    result = pytester.runpytest_subprocess(
        "--shard=0/2", "--shard-by=balanced", "--paradisco-durations=d.json"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "*ParadiscoWarning: paradisco: durations file *d.json cannot be read*"
            "weighing files by estimate"
        ]
    )


def test_corrupt_durations_under_filterwarnings_error(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    (pytester.path / "d.json").write_text("{broken")
    result = pytester.runpytest_subprocess(
        "--shard=0/2", "--shard-by=balanced", "--paradisco-durations=d.json"
    )
    assert result.ret == pytest.ExitCode.OK, result.outlines
    result.stdout.fnmatch_lines(["*ParadiscoWarning: paradisco: durations file *d.json*"])


def test_store_to_a_glob_is_refused(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--paradisco-store-durations", "--paradisco-durations=a/*.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paradisco-durations=a/[*].json is a glob*"])


def test_balanced_xdist_equals_plain(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    plain = pytester.runpytest_subprocess("--shard=1/3", "--shard-by=balanced", "-p", "no:xdist")
    dist = pytester.runpytest_subprocess("--shard=1/3", "--shard-by=balanced", "-n", "2")
    assert plain.parseoutcomes()["passed"] == dist.parseoutcomes()["passed"] > 0


def test_plan_compares_every_mode(pytester: pytest.Pytester) -> None:
    make_uneven_suite(pytester.path)
    result = pytester.runpytest("--shard-plan", "--shard-total=4")
    result.stdout.fnmatch_lines(
        [
            "*--shard-by*max/mean tests*max/mean weight",
            "*file *",
            "*balanced *",
            "*test *",
            "(the largest file alone allows max/mean weight >= *)",
        ]
    )
