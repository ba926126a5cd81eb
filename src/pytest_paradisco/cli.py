"""The ``paradisco`` command: ``paradisco combine`` for the final job of a sharded CI run;
``paradisco affected`` prints the node ids a selection keeps; ``paradisco map`` prints a
map file as a table.

Exit status: 0 when the data is complete and the total meets the threshold; 1 when
data is missing, bad, foreign or recorded under unmapped roots (named in the output);
2 when the total is under ``--fail-under`` (coverage's own convention).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_paradisco import __version__
from pytest_paradisco.combine import (
    BadFile,
    CombineError,
    CombineResult,
    RootAdvice,
    ShardCheck,
    ShardIdentity,
    Verdict,
    check_shards,
    combine,
    data_file_of,
    find_data_files,
    format_percent,
    measured_files,
    read_identity,
    total,
    unmapped_files,
)

EXIT_OK = 0
EXIT_DATA = 1
EXIT_FAIL_UNDER = 2
EXIT_USAGE = 2  # argparse's own status for a bad command line


def _percent(text: str) -> float:
    # options.parse_percent would import pytest, which this command does not need.
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage between 0 and 100")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of shards") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of shards must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paradisco", description="pytest-paradisco's command line tools."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    comb = commands.add_parser(
        "combine",
        help="Combine coverage data files (e.g. CI shard artifacts) and check the total.",
        description=(
            "Combine coverage data files and directories of downloaded artifacts (searched "
            "recursively for the data file's name, suffixed or not) into one data file, "
            "check that every shard is there once, print the report and check the "
            "threshold. Inputs are kept; the data file is replaced only once the combined "
            "data is completely written. Exit status: 0 ok, 1 missing/bad/foreign data, "
            "2 under --fail-under."
        ),
    )
    comb.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Data files or directories to search. Default: the current directory.",
    )
    comb.add_argument(
        "--data-file",
        metavar="PATH",
        help="Write the combined data here. Default: coverage's [run] data_file (.coverage).",
    )
    comb.add_argument(
        "--rcfile",
        metavar="PATH",
        help="coverage configuration file. Default: coverage's own search (.coveragerc, "
        "setup.cfg, tox.ini, pyproject.toml).",
    )
    comb.add_argument(
        "--fail-under",
        type=_percent,
        metavar="PCT",
        help="Exit 2 when the total, as displayed, is under PCT. Default: coverage's "
        "[report] fail_under.",
    )
    comb.add_argument(
        "--expect-shards",
        type=_positive,
        metavar="N",
        help="Require shards 0..N-1, each exactly once. Default: the total the shards' "
        "identities name.",
    )
    comb.add_argument(
        "--run-id",
        metavar="ID",
        help="Require shards of this run. Default: the run most shards name.",
    )
    comb.add_argument(
        "--ignore-bad-data",
        action="store_true",
        help="Decide on the usable data when shards are missing or duplicated, or files "
        "corrupt or foreign (they are still named, and left out), exiting 0 unless under "
        "--fail-under.",
    )
    comb.add_argument("--markdown", metavar="PATH", help="Write the summary as Markdown.")
    comb.add_argument("--json", metavar="PATH", help="Write the summary as JSON.")
    comb.add_argument(
        "-q", "--quiet", action="store_true", help="Print only the summary, not the report."
    )
    aff = commands.add_parser(
        "affected",
        help="Print the node ids of the tests a selection keeps, one a line.",
        description=(
            "Run `pytest --collect-only -q` with the selection options in a subprocess (so "
            "the project's own configuration, conftest files and mapping cache apply) and "
            "print the node ids it keeps, one a line, for other runners and CI scripts. "
            "Extra pytest arguments go after `--`. Exit status: 0 (also when no test is "
            "selected), else pytest's (4 for a bad revision or pattern, named on stderr)."
        ),
    )
    aff.add_argument(
        "--diff",
        nargs="?",
        const="",
        default=None,
        metavar="REV",
        help="Select by the changes since REV (default: the merge-base with the upstream "
        "branch, else HEAD): pytest --paradisco-diff[=REV].",
    )
    aff.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="PATTERN",
        help="Select the tests of functions matching PATTERN; repeat for more.",
    )
    aff.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="`--` then arguments for pytest."
    )
    mapp = commands.add_parser(
        "map",
        help="Print a map file (written by pytest --paradisco-map) as a table.",
        description="Print each mapped function, where it is and how many tests reach it.",
    )
    mapp.add_argument(
        "path", nargs="?", default="paradisco-map.json", help="Default: paradisco-map.json."
    )
    mapp.add_argument(
        "-v", "--verbose", action="store_true", help="List each function's tests too."
    )
    return parser


def affected_command(args: argparse.Namespace) -> list[str]:
    """The pytest command line ``paradisco affected`` runs."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q"]
    if args.diff is not None:
        command.append(f"--paradisco-diff={args.diff}" if args.diff else "--paradisco-diff")
    command += [f"--paradisco-select={pattern}" for pattern in args.select]
    extra = list(args.pytest_args)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return command + extra


def run_affected(args: argparse.Namespace) -> int:
    import subprocess

    if args.diff is None and not args.select:
        print("paradisco affected: give --diff [REV] and/or --select PATTERN", file=sys.stderr)
        return EXIT_USAGE
    proc = subprocess.run(
        affected_command(args), capture_output=True, text=True, encoding="utf-8", check=False
    )
    if proc.returncode not in (0, 5):  # 5: no test collected or all deselected
        sys.stderr.write(proc.stdout + proc.stderr)
        return proc.returncode
    for line in proc.stdout.splitlines():
        if not line.strip():
            break  # `--co -q` prints the node ids, then a blank line, then the summary
        if line.startswith(("no tests ran", "=")):
            break
        print(line)
    return EXIT_OK


def map_table(data: dict[str, Any], verbose: bool) -> list[str]:
    """A map's functions as rows: name, file:line, number of tests (and the tests)."""
    functions = data.get("functions", {})
    rows = [
        (name, f"{entry['file']}:{entry['line']}", len(entry.get("tests", ())))
        for name, entry in sorted(functions.items())
    ]
    width = max([len("function")] + [len(row[0]) for row in rows])
    where = max([len("location")] + [len(row[1]) for row in rows])
    lines = [f"{'function':<{width}}  {'location':<{where}}  tests"]
    for name, location, count in rows:
        lines.append(f"{name:<{width}}  {location:<{where}}  {count:>5}")
        if verbose:
            lines += [f"    {test}" for test in functions[name].get("tests", ())]
    mapped = sum(1 for row in rows if row[2])
    lines.append(f"{mapped} of {len(rows)} functions mapped to tests")
    for error in data.get("errors", ()):
        lines.append(f"error: {error.get('file')}: {error.get('kind')}: {error.get('message')}")
    return lines


def run_map(args: argparse.Namespace) -> int:
    try:
        with open(args.path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict) or not isinstance(data.get("functions"), dict):
            raise ValueError("not a paradisco map (no 'functions' table)")
        lines = map_table(data, args.verbose)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"paradisco map: {args.path}: {exc}", file=sys.stderr)
        return EXIT_DATA
    print("\n".join(lines))
    return EXIT_OK


@dataclass
class Outcome:
    """Everything one ``paradisco combine`` found, for the three output formats."""

    data_file: str
    inputs: list[str] = field(default_factory=list)
    shards: ShardCheck | None = None
    identities: dict[str, ShardIdentity | None] = field(default_factory=dict)
    sidecar_errors: list[BadFile] = field(default_factory=list)
    result: CombineResult | None = None
    advice: RootAdvice | None = None
    verdict: Verdict | None = None
    report_markdown: str = ""
    error: str | None = None
    status: int = EXIT_OK

    def problems(self) -> list[str]:
        lines: list[str] = []
        if self.error:
            lines.append(self.error)
        lines.extend(bad.reason for bad in self.sidecar_errors)
        if self.shards is not None:
            lines.extend(self.shards.problems())
        if self.result is not None and self.result.bad:
            message = self.result.bad_message()
            if message:
                lines.append(message)
        if self.advice is not None:
            lines.append(self.advice.message())
        return lines

    def summary(self) -> str:
        if self.verdict is None:
            return "paradisco: no total (see above)"
        files = len(self.result.combined) if self.result else 0
        where = f"{files} data file{'s' if files != 1 else ''}"
        shards = self.shards
        if shards is not None and shards.present and self.result is not None:
            done = {
                ident.shard_id
                for path in self.result.combined
                if (ident := self.identities.get(path)) is not None
            }
            run = f", run {shards.run_id}" if shards.run_id else ""
            where += f" of {len(done)}/{shards.total} shards{run}"
        return f"paradisco: coverage {self.verdict.comparison()} (combined {where})"

    def to_json(self) -> dict[str, Any]:
        shards = self.shards
        return {
            "data_file": self.data_file,
            "total": self.verdict.percent if self.verdict else None,
            "shown": self.verdict.shown if self.verdict else None,
            "precision": self.verdict.precision if self.verdict else None,
            "fail_under": self.verdict.fail_under if self.verdict else None,
            "passed": (not self.verdict.failed) if self.verdict else None,
            "combined": list(self.result.combined) if self.result else [],
            "duplicates": list(self.result.duplicates) if self.result else [],
            "bad": [
                {"path": bad.path, "reason": bad.reason}
                for bad in (
                    *(self.result.bad if self.result else ()),
                    *self.sidecar_errors,
                )
            ],
            "shards": None
            if shards is None
            else {
                "total": shards.total,
                "run_id": shards.run_id,
                "present": list(shards.present),
                "missing": list(shards.missing),
                "duplicated": {str(i): list(paths) for i, paths in shards.duplicated},
                "foreign": [{"path": b.path, "reason": b.reason} for b in shards.foreign],
            },
            "unmapped_roots": list(self.advice.roots) if self.advice else [],
            "problems": self.problems(),
            "exit_status": self.status,
        }

    def to_markdown(self) -> str:
        verdict = self.verdict
        rows = [("Total", f"**{verdict.shown}%**" if verdict else "n/a")]
        if verdict is not None and verdict.fail_under is not None:
            state = "failed" if verdict.failed else "passed"
            rows.append(("Threshold", f"{format_percent(verdict.fail_under)}% ({state})"))
        files = len(self.result.combined) if self.result else 0
        rows.append(("Data files", str(files)))
        if self.shards is not None and self.shards.total is not None:
            present = len(self.shards.present)
            run = f", run {self.shards.run_id}" if self.shards.run_id else ""
            rows.append(("Shards", f"{present} of {self.shards.total}{run}"))
        lines = ["## Coverage", "", "| | |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in rows]
        problems = self.problems()
        if problems:
            lines += ["", "**Problems**", ""]
            for problem in problems:
                first, *rest = problem.splitlines()
                lines.append(f"- {first}")
                if rest:
                    lines += ["", "  ```toml", *(f"  {r.strip()}" for r in rest[1:3]), "  ```"]
        if self.report_markdown:
            lines += ["", self.report_markdown.rstrip()]
        return "\n".join(lines) + "\n"


def run_combine(args: argparse.Namespace, out: Any = None) -> Outcome:
    """``paradisco combine``: find, check, combine, report, decide."""
    out = out if out is not None else sys.stdout
    config_file: str | bool = args.rcfile or True
    data_file = os.path.abspath(args.data_file) if args.data_file else data_file_of(config_file)
    outcome = Outcome(data_file=data_file)
    basename = os.path.basename(data_file)
    try:
        outcome.inputs = find_data_files(args.paths or ["."], basename, exclude=[data_file])
    except CombineError as exc:
        outcome.error = str(exc)
        outcome.status = EXIT_DATA
        return outcome
    if not outcome.inputs:
        outcome.error = (
            f"no coverage data files named {basename} or {basename}.* under "
            + ", ".join(args.paths or ["."])
        )
        outcome.status = EXIT_DATA
        return outcome

    for path in outcome.inputs:
        identity, problem = read_identity(path)
        outcome.identities[path] = identity
        if problem is not None:
            outcome.sidecar_errors.append(BadFile(path, problem))
    identified = any(ident is not None for ident in outcome.identities.values())
    inputs = outcome.inputs
    if identified or args.expect_shards is not None:
        outcome.shards = check_shards(
            outcome.identities, expect=args.expect_shards, run_id=args.run_id
        )
        if not identified:
            count = len(inputs)
            if count != args.expect_shards:
                outcome.error = (
                    f"--expect-shards={args.expect_shards} but {count} data file(s) were "
                    "found, none with a shard identity, so which shard is missing cannot be "
                    "told; run the shards with pytest-paradisco (--shard-id) to record it"
                )
        else:
            # One data file per shard of the run; foreign ones never count, even with
            # --ignore-bad-data (that decides on the usable data, and theirs is not).
            inputs = list(outcome.shards.use)

    try:
        outcome.result = combine(inputs, data_file, config_file=config_file)
    except CombineError as exc:
        outcome.error = str(exc)
        outcome.status = EXIT_DATA
        return outcome

    outcome.advice = unmapped_files(measured_files(data_file))
    data_trouble = bool(
        outcome.error
        or outcome.sidecar_errors
        or (outcome.shards is not None and not outcome.shards.complete)
        or outcome.result.bad
    )
    if outcome.advice is not None:
        outcome.status = EXIT_DATA
        return outcome
    try:
        report = io.StringIO()
        outcome.verdict = total(
            data_file, config_file=config_file, fail_under=args.fail_under, out=report
        )
        if not args.quiet:
            out.write(report.getvalue())
        if args.markdown:
            outcome.report_markdown = _markdown_report(data_file, config_file)
    except CombineError as exc:
        outcome.error = str(exc)
        outcome.status = EXIT_DATA
        return outcome
    if outcome.verdict.failed:
        outcome.status = EXIT_FAIL_UNDER
    elif data_trouble and not args.ignore_bad_data:
        # Missing or bad data fails closed, whatever the partial total says.
        outcome.status = EXIT_DATA
    return outcome


def _markdown_report(data_file: str, config_file: str | bool) -> str:
    from coverage import Coverage

    cov = Coverage(data_file=data_file, data_suffix=False, config_file=config_file)
    cov.load()
    buffer = io.StringIO()
    try:
        cov.report(file=buffer, output_format="markdown")
    except Exception:  # older coverage without Markdown: the summary table suffices
        return ""
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("affected", "map"):
        try:
            status = run_affected(args) if args.command == "affected" else run_map(args)
            sys.stdout.flush()
        except BrokenPipeError:
            # `paradisco map | head`: the reader has gone, which is no error of ours;
            # point stdout at devnull so the interpreter's final flush stays quiet.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_OK
        return status
    if args.command != "combine":  # pragma: no cover - argparse enforces the choice
        return EXIT_DATA
    from coverage.exceptions import CoverageException

    try:
        outcome = run_combine(args)
    except CoverageException as exc:  # a bad coverage configuration, say
        print(f"paradisco: coverage: {exc}", file=sys.stderr)
        return EXIT_DATA
    sys.stdout.flush()
    for problem in outcome.problems():
        print(f"paradisco: {problem}", file=sys.stderr)
    sys.stderr.flush()
    print(outcome.summary())
    if args.json:
        _write(args.json, json.dumps(outcome.to_json(), indent=2) + "\n")
    if args.markdown:
        _write(args.markdown, outcome.to_markdown())
    return outcome.status


def _write(path: str, text: str) -> None:
    """Append when the target is $GITHUB_STEP_SUMMARY, else replace."""
    mode = "a" if path == os.environ.get("GITHUB_STEP_SUMMARY") else "w"
    with open(path, mode, encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
