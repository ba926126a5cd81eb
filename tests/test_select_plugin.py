"""--paradisco-select and --paradisco-diff through pytest itself: real git repositories,
real Jedi mapping, real xdist (subprocesses), on the example project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DISCOUNT = [
    "tests/test_pricing.py::test_discount[0-10.00]",
    "tests/test_pricing.py::test_discount[50-5.00]",
    "tests/test_pricing.py::test_discount[100-0.00]",
    "tests/test_pricing.py::test_discount_out_of_range",
]
STOCK = [
    "tests/test_stock.py::test_receive",
    "tests/test_stock.py::test_receive_rejects_zero",
    "tests/test_stock.py::test_take",
    "tests/test_stock.py::test_take_too_much",
    "tests/test_stock.py::test_low",
]
#: Mapping in-process keeps the CPU use of these tests modest.
MAP = ("-p", "no:randomly", "--paradisco-workers=0")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    (root / ".gitignore").write_text(
        ".pytest_cache/\n__pycache__/\nparadisco-map.json\nstdout\nstderr\n"
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")


@pytest.fixture
def repo(inventory: pytest.Pytester) -> pytest.Pytester:
    init_repo(inventory.path)
    return inventory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def ids(result: pytest.RunResult) -> list[str]:
    """The node ids ``--co -q`` printed."""
    return [line for line in result.outlines if line.startswith("tests/") and "::" in line]


def test_diff_selects_the_tests_of_a_changed_function_then_widens_safely(
    repo: pytest.Pytester,
) -> None:
    pricing = repo.path / "src/inventory/pricing.py"
    edit(pricing, "is out of range", "is out of range (0..100)")
    result = repo.runpytest_subprocess("--paradisco-diff", *MAP)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=4, deselected=15)
    result.stdout.fnmatch_lines(
        [
            "paradisco: --paradisco-diff (base *: HEAD (no upstream branch); * changed file*",
            "collected 19 items / 15 deselected / 4 selected",
            "selection --paradisco-diff (base *): 4 of 19 tests kept, 15 deselected",
            "  4 mapped to changed function (1 function)",
        ]
    )

    # select, then shard: the shards split exactly the selected tests between them
    shards = [
        ids(repo.runpytest_subprocess("--paradisco-diff", "--co", "-q", f"--shard={k}/2", *MAP))
        for k in (0, 1)
    ]
    assert sorted(shards[0] + shards[1]) == sorted(DISCOUNT)
    assert not set(shards[0]) & set(shards[1])

    # a changed test file runs entirely, beside the tests of the changed function
    edit(repo.path / "tests/test_stock.py", "def test_low", "def test_low_levels")
    stock = [*STOCK[:-1], STOCK[-1] + "_levels"]
    result = repo.runpytest_subprocess("--paradisco-diff", "--co", "-q", *MAP)
    assert sorted(ids(result)) == sorted(DISCOUNT + stock)
    result.stdout.fnmatch_lines(
        [
            "selection --paradisco-diff *: 9 of 19 tests kept, 10 deselected",
            "  4 mapped to changed function (1 function)",
            "  5 changed test file",
        ]
    )

    # -k narrows the selection further
    narrowed = repo.runpytest_subprocess("--paradisco-diff", "-k", "take", *MAP)
    narrowed.assert_outcomes(passed=2, deselected=17)

    # a conftest change cannot be attributed: everything runs, with the reason
    (repo.path / "tests/conftest.py").write_text(
        (repo.path / "tests/conftest.py").read_text() + "\n# tweak\n"
    )
    result = repo.runpytest_subprocess("--paradisco-diff", *MAP)
    result.assert_outcomes(passed=19)
    result.stdout.fnmatch_lines(
        [
            "selection --paradisco-diff *: 19 of 19 tests kept, 0 deselected",
            "  all kept by a safety rule: tests/conftest.py changed: its fixtures and hooks "
            "may reach any test",
        ]
    )

    # nothing changed since the base: no test runs, and that passes, explained
    git(repo.path, "checkout", "-q", "tests/conftest.py")
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-qm", "change")
    (repo.path / "README.md").write_text("notes\n")
    result = repo.runpytest_subprocess("--paradisco-diff", *MAP)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "selection --paradisco-diff *: 0 of 19 tests kept, 19 deselected",
            "  no test is mapped to what was selected or changed",
        ]
    )

    # the base can be named: the previous commit has the pricing and test changes
    result = repo.runpytest_subprocess("--paradisco-diff=HEAD~1", "--co", "-q", *MAP)
    assert sorted(ids(result)) == sorted(DISCOUNT + stock)
    result.stdout.fnmatch_lines(["selection --paradisco-diff=HEAD~1 (base *, HEAD~1): 9 of 19 *"])


def test_diff_revision_is_attached_and_a_word_after_the_flag_is_a_path(
    repo: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a subdirectory's conftest adds an option: it works only when pytest loads that
    # conftest early, from the paths to test, so the word must reach pytest as a path
    repo.makepyfile(
        **{
            "extra/conftest.py": (
                "def pytest_addoption(parser):\n    parser.addoption('--flavour')\n"
            ),
            "extra/test_extra.py": (
                "from decimal import Decimal\n\n"
                "from inventory.pricing import discount\n\n"
                "def test_flavour(request):\n"
                "    assert request.config.getoption('flavour') == 'mint'\n"
                "    assert discount(Decimal(10), 0) == 10\n"
            ),
        }
    )
    pyproject = repo.path / "pyproject.toml"
    edit(pyproject, 'pythonpath = ["src"]', 'pythonpath = ["src"]\nparadisco_diff = "HEAD~1"')
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-qm", "extra")
    edit(repo.path / "src/inventory/pricing.py", "is out of range", "is out of range (0..100)")
    result = repo.runpytest_subprocess(
        "--paradisco-diff", "extra/test_extra.py", "tests/test_stock.py", "--flavour=mint", *MAP
    )
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()
    result.assert_outcomes(passed=1, deselected=5)
    result.stdout.fnmatch_lines(
        ["selection --paradisco-diff (base *, HEAD *): 1 of 6 tests kept, 5 deselected"]
    )

    # the bare flag from addopts, the path on the command line
    monkeypatch.setenv("PYTEST_ADDOPTS", "--paradisco-diff")
    result = repo.runpytest_subprocess("tests/test_pricing.py", "--co", "-q", *MAP)
    assert ids(result) == DISCOUNT
    monkeypatch.delenv("PYTEST_ADDOPTS")

    # the ini's paradisco_diff names a revision: the commit before the pricing change
    git(repo.path, "commit", "-qam", "pricing")
    result = repo.runpytest_subprocess("tests/test_pricing.py", "--co", "-q", *MAP)
    assert ids(result) == DISCOUNT
    result.stdout.fnmatch_lines(
        ["selection --paradisco-diff=HEAD~1 (base *, HEAD~1): 4 of 6 tests kept, 2 deselected"]
    )

    # a word after the bare flag that is no path was meant as the revision: say so
    result = repo.runpytest_subprocess("--paradisco-diff", "main", *MAP)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: paradisco: --paradisco-diff main: 'main' is read as a path to test, and "
            "there is no such file or directory; to compare with the revision main, attach "
            "it: --paradisco-diff=main"
        ]
    )


def test_select_by_name_and_glob_and_a_pattern_matching_nothing(
    inventory: pytest.Pytester,
) -> None:
    pyproject = inventory.path / "pyproject.toml"
    edit(
        pyproject,
        'pythonpath = ["src"]',
        'pythonpath = ["src"]\nparadisco_select = "inventory.stock.*"',
    )
    result = inventory.runpytest_subprocess("--co", "-q", *MAP)
    chosen = ids(result)
    assert set(STOCK) <= set(chosen)
    assert not any("test_pricing" in nodeid for nodeid in chosen)
    result.stdout.fnmatch_lines(
        [f"selection --paradisco-select=inventory.stock.*: {len(chosen)} of 19 tests kept, *"]
    )

    result = inventory.runpytest_subprocess(
        "--co", "-q", "--paradisco-select=inventory.pricing.discount", *MAP
    )
    assert ids(result) == DISCOUNT  # the command line outranks the ini

    result = inventory.runpytest_subprocess("--paradisco-select=inventory.pricing.discont", *MAP)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: paradisco: --paradisco-select=inventory.pricing.discont matches no mapped "
            "function; did you mean inventory.pricing.discount*"
        ]
    )
    assert "Traceback" not in result.stderr.str()


def test_diff_under_xdist_workers_keep_the_same_tests(repo: pytest.Pytester) -> None:
    edit(repo.path / "src/inventory/pricing.py", "is out of range", "is out of range (0..100)")
    # -k filters too: pytest's final line counts every filter's deselections, the
    # selection's and -k's, as without xdist
    result = repo.runpytest_subprocess("--paradisco-diff", "-n", "2", "-v", "-k", "not range", *MAP)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=3, deselected=16)
    ran = sorted(
        line.split()[-1] for line in result.outlines if " PASSED " in line and "[gw" in line
    )
    assert ran == sorted(DISCOUNT[:3])
    result.stdout.fnmatch_lines(
        [
            "selection --paradisco-diff *: 4 of 19 tests kept, 15 deselected",
            "  4 mapped to changed function (1 function)",
            "  3 of the 4 kept run after -k",
            "*= 3 passed, 16 deselected in *",
        ]
    )

    # the CLI asks pytest (the map cache is warm now) and prints the node ids
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pytest_paradisco.cli", *args]
        return subprocess.run(command, cwd=repo.path, capture_output=True, text=True, check=False)

    out = cli("affected", "--diff", "--", *MAP)
    assert (out.returncode, out.stdout.splitlines()) == (0, DISCOUNT)
    out = cli("affected", "--diff=nope")
    assert out.returncode == pytest.ExitCode.USAGE_ERROR
    assert "unknown revision 'nope'" in out.stderr
    assert out.stdout == ""
    out = cli("map", "-v")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["function", "location", "tests"]
    row = next(line for line in lines if line.startswith("inventory.pricing.discount "))
    assert row.split()[1:] == ["src/inventory/pricing.py:12", "2"]
    assert "13 of 14 functions mapped to tests" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paradisco-diff"], "*is not inside a git repository*"),
        (
            ["--paradisco-diff-base=nope"],
            "ERROR: paradisco: --paradisco-diff-base=nope: unknown revision 'nope': name a "
            "commit, branch or tag that exists here*",
        ),
        (["--paradisco-diff-base=-x"], "*'-x' is not a git revision*"),
        (
            ["--paradisco-diff=nope"],
            "ERROR: paradisco: --paradisco-diff=nope: unknown revision 'nope': name a "
            "commit, branch or tag that exists here*",
        ),
        (["--paradisco-diff="], "*argument --paradisco-diff: an empty revision*"),
        (
            ["--paradisco-diff=HEAD", "--paradisco-diff-base=main"],
            "ERROR: paradisco: --paradisco-diff=HEAD and --paradisco-diff-base=main name "
            "different revisions; give one of them",
        ),
        (
            ["--paradisco-diff", "--paradisco-depth=1"],
            "ERROR: paradisco: --paradisco-diff with --paradisco-depth=1 could skip tests that "
            "reach a selected function through more than 1 calls; drop --paradisco-depth*",
        ),
    ],
)
def test_git_and_option_errors_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    pytester.makepyfile(test_a="def test_a(): pass")
    if any("nope" in arg for arg in args):
        init_repo(pytester.path)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_shallow_clone_names_fetch_depth(pytester: pytest.Pytester) -> None:
    origin = pytester.path / "origin"
    origin.mkdir()
    (origin / "test_a.py").write_text("def test_a(): pass\n")
    init_repo(origin)
    (origin / "test_a.py").write_text("def test_a(): assert 1\n")
    git(origin, "commit", "-qam", "second")
    clone = pytester.path / "clone"
    git(pytester.path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    result = pytester.runpytest(str(clone), "--rootdir", str(clone), "--paradisco-diff-base=HEAD~1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*shallow clone*`fetch-depth: 0` for actions/checkout*"])


def test_coverage_contexts_as_a_map_source(inventory: pytest.Pytester) -> None:
    missing = inventory.runpytest_subprocess(
        "--co", "--paradisco-map", "--paradisco-map-source=coverage", *MAP
    )
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(
        [
            "ERROR: paradisco: --paradisco-map-source=coverage: .coverage has no test contexts; "
            "record them with `pytest --cov --cov-context=test` first*"
        ]
    )
    measured = inventory.runpytest_subprocess("--cov", "--cov-context=test", "-p", "no:randomly")
    measured.assert_outcomes(passed=19)
    result = inventory.runpytest_subprocess(
        "--co",
        "-q",
        "--paradisco-map-source=coverage",
        "--paradisco-select=inventory.pricing.discount",
        *MAP,
    )
    assert ids(result) == DISCOUNT
    result.stdout.fnmatch_lines(
        ["  coverage (coverage only): * test contexts in .coverage, * old: * pairs, *"]
    )
    data = json.loads((inventory.path / "paradisco-map.json").read_text())
    discount = data["functions"]["inventory.pricing.discount"]
    assert (
        discount["coverage"]
        == discount["tests"]
        == [
            "tests/test_pricing.py::test_discount",
            "tests/test_pricing.py::test_discount_out_of_range",
        ]
    )
    assert data["functions"]["inventory.reports.unused_helper"]["coverage"] == []
    assert data["stats"]["coverage"]["contexts"] >= 19


def test_selection_composes_with_marks_and_last_failed(repo: pytest.Pytester) -> None:
    edit(
        repo.path / "tests/test_pricing.py",
        "def test_discount_out_of_range",
        "@pytest.mark.slow\ndef test_discount_out_of_range",
    )
    edit(
        repo.path / "pyproject.toml",
        'pythonpath = ["src"]',
        'pythonpath = ["src"]\nmarkers = ["slow"]',
    )
    stock = repo.path / "src/inventory/stock.py"
    edit(stock, "level < threshold", "level < threshold - 5")  # 3 tests of Stock.low fail
    git(repo.path, "commit", "-qam", "a mark, and a bug outside the next change")
    pricing = repo.path / "src/inventory/pricing.py"
    edit(pricing, "0 <= percent <= 100", "0 <= percent < 100")  # test_discount[100-0.00]

    # -m filters the selected tests further: pytest counts every deselection once
    # (--paradisco-diff-base=REV is another spelling of --paradisco-diff=REV)
    result = repo.runpytest_subprocess("--paradisco-diff-base=HEAD", "-m", "not slow", *MAP)
    result.assert_outcomes(failed=1, passed=2, deselected=16)
    result.stdout.fnmatch_lines(
        [
            "collected 19 items / 16 deselected / 3 selected",
            "selection --paradisco-diff=HEAD (base *, HEAD): 4 of 19 tests kept, 15 deselected",
            "  4 mapped to changed function (1 function)",
            "  3 of the 4 kept run after -m",
        ]
    )

    # --lf collects the last failures; the selection keeps those the change can affect
    repo.runpytest_subprocess(*MAP).assert_outcomes(failed=4, passed=15)
    edit(pricing, "0 <= percent < 100", "0 <= percent <= 100")
    edit(pricing, "is out of range", "is out of range (0..100)")
    # the same under xdist: each worker collects the last failures and selects alike
    lastfailed = repo.path / ".pytest_cache/v/cache/lastfailed"
    failures = lastfailed.read_text()
    result = repo.runpytest_subprocess("--lf", "--paradisco-diff", "-n", "2", *MAP)
    result.assert_outcomes(passed=1, deselected=6)
    result.stdout.fnmatch_lines(
        [
            "2 workers [1 item]",
            "selection --paradisco-diff (base *): 1 of 7 tests kept, 6 deselected",
            "  --lf: pytest collected its 4 last failures and 3 tests beside them, not the "
            "whole suite",
        ]
    )
    lastfailed.write_text(failures)  # as if that run had not happened
    result = repo.runpytest_subprocess("--lf", "--paradisco-diff", *MAP)
    result.assert_outcomes(passed=1, deselected=6)
    result.stdout.fnmatch_lines(
        [
            "selection --paradisco-diff (base *): 1 of 7 tests kept, 6 deselected",
            "  --lf: pytest collected its 4 last failures and 3 tests beside them, not the "
            "whole suite",
            "  1 mapped to changed function (1 function)",
        ]
    )
    # ... and when the change can affect none of them, nothing runs, explained
    result = repo.runpytest_subprocess("--lf", "--paradisco-diff", *MAP)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(deselected=6)
    result.stdout.fnmatch_lines(
        [
            "run-last-failure: 3 known failures not in selected tests*",
            "selection --paradisco-diff (base *): 0 of 6 tests kept, 6 deselected",
            "  --lf: pytest collected its 3 last failures and 3 tests beside them, not the "
            "whole suite",
            "  none of the last failures is mapped to what was selected or changed; without "
            "--lf, the tests that are run",
        ]
    )


def test_diff_in_a_property_getter_selects_the_tests_coverage_saw_run_it(
    pytester: pytest.Pytester,
) -> None:
    """A getter and its setter share one name; the map's entry keeps the setter's lines,
    and the coverage source used to tie to that name only the tests that ran the setter."""
    pytester.makefile(
        ".toml",
        pyproject=(
            '[tool.pytest.ini_options]\npythonpath = ["src"]\n'
            '[tool.coverage.run]\nsource = ["box"]\n'
        ),
    )
    package = pytester.path / "src" / "box"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "class Box:\n"
        "    def __init__(self):\n"
        "        self._v = 0\n"
        "\n"
        "    @property\n"
        "    def value(self):\n"
        "        return self._v\n"
        "\n"
        "    @value.setter\n"
        "    def value(self, v):\n"
        "        self._v = v\n"
    )
    pytester.mkdir("tests")
    (pytester.path / "tests/test_box.py").write_text(
        "from box import Box\n\n\n"
        "def test_get():\n    assert Box().value == 0\n\n\n"
        "def test_set():\n    b = Box()\n    b.value = 3\n    assert b._v == 3\n"
    )
    init_repo(pytester.path)
    measured = pytester.runpytest_subprocess("--cov", "--cov-context=test", "-p", "no:randomly")
    measured.assert_outcomes(passed=2)
    edit(package / "__init__.py", "return self._v\n", "return self._v + 0\n")
    result = pytester.runpytest_subprocess(
        "--co", "-q", "--paradisco-diff", "--paradisco-map-source=coverage", *MAP
    )
    assert ids(result) == ["tests/test_box.py::test_get", "tests/test_box.py::test_set"]
