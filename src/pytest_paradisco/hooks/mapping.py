"""``--paradisco-map``: the glue between the session and discover/, which is imported
only here, lazily, once mapping is on."""

from __future__ import annotations

import contextlib
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_paradisco import report
from pytest_paradisco.errors import ParadiscoWarning
from pytest_paradisco.hooks.common import MAP_RESULT_KEY, MAP_SUMMARY_KEY, MapResult, warn
from pytest_paradisco.options import Settings
from pytest_paradisco.shard import file_key
from pytest_paradisco.testfiles import session_doctest_files, session_test_files

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pytest_paradisco.discover.session import Sources
    from pytest_paradisco.testmap import TestMap


class MapHooks:
    """``--paradisco-map``: glue between the session and discover/ (registered only when
    mapping is on, and never in an xdist worker)."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.sources: Sources | None = None
        self.controller = False
        self.done = False
        self.failed_files: set[Path] = set()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Choose the source roots before the header is printed (it names them). Under
        xdist this process is the controller and collects nothing: map here, once,
        before the workers start, from the test files found by walking the same paths."""
        config = self.config
        self.sources = self._resolve_sources()
        self.controller = config.pluginmanager.hasplugin("dsession")
        if self.controller:
            self._map(session_test_files(self.config), session_doctest_files(self.config))

    def pytest_report_header(self, config: pytest.Config) -> str | None:
        """One line, pasteable as flags, saying which source is mapped and why."""
        if self.sources is None:
            return None
        workers = self.settings.map_workers
        depth = "full" if self.settings.map_depth is None else self.settings.map_depth
        return (
            f"paradisco: --paradisco-map {self.sources.flags()} --paradisco-workers={workers} "
            f"--paradisco-depth={depth} (source: {self.sources.origin})"
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Map the files pytest collected. tryfirst: before -k, -m, sharding or any
        plugin deselects, so the map covers every collected test file. Mapping only
        reads: the items are left exactly as they are. Under ``--lf`` pytest collects
        only the files of the last failures; the map still covers the session's test
        files (as under xdist), so a function whose tests were not collected is not
        taken for one that no test reaches."""
        if self.controller or self.done:
            return
        files = {Path(item.path) for item in items if isinstance(item, pytest.Function)}
        # a text file's doctest (`--doctest-glob`) is a test too; a module's doctests
        # are read off the source (`--doctest-modules`)
        texts = {
            Path(item.path)
            for item in items
            if type(item).__name__ == "DoctestItem" and Path(item.path).suffix != ".py"
        }
        if config.getoption("lf", False):
            files.update(session_test_files(config))
            texts.update(session_doctest_files(config))
        self._map(sorted(files | self.failed_files), sorted(texts))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A test file that failed to collect (say, a syntax error) has no items, but the
        map names it in ``errors``: remember it."""
        if report.failed and "::" not in report.nodeid and report.nodeid.endswith(".py"):
            self.failed_files.add(self.config.rootpath / report.nodeid)

    def _resolve_sources(self) -> Sources:
        # discover/ is imported only when mapping is on: the plugin costs nothing unused
        from pytest_paradisco.discover.session import (
            SourceError,
            Sources,
            coverage_source,
            default_sources,
            resolve_entries,
        )

        config = self.config
        rootdir = config.rootpath
        bases = self._bases()
        if self.settings.map_sources:
            try:
                roots = resolve_entries(self.settings.map_sources, rootdir, bases)
            except SourceError as exc:
                raise pytest.UsageError(f"paradisco: --paradisco-source: {exc}") from None
            names = self.settings.map_sources
            origin = self.settings.sources["map_sources"].text
            return Sources(tuple(roots), origin, tuple(names))
        found = default_sources(
            rootdir, bases, coverage_source(rootdir), session_test_files(self.config)
        )
        if found is None:
            raise pytest.UsageError(
                "paradisco: --paradisco-map found no source to map (no coverage [run] "
                "source, no package under src/, no package of the project imported by the "
                "tests); name it with --paradisco-source=PKG_OR_DIR"
            )
        return found

    def _bases(self, files: Sequence[Path] = ()) -> list[Path]:
        rootdir = self.config.rootpath
        bases = [rootdir / "src"] if (rootdir / "src").is_dir() else []
        with contextlib.suppress(ValueError):  # pytest without the pythonpath ini
            bases += [Path(p) for p in self.config.getini("pythonpath")]
        if self.config.getoption("importmode", "prepend") in ("prepend", "append"):
            # where pytest imports each test module from: the first directory up without
            # an `__init__.py` goes on sys.path, so one test module imports another by
            # that name (itsdangerous' `from test_itsdangerous.test_serializer import
            # TestSerializer`, whose tests its subclasses inherit)
            from pytest_paradisco.discover.imports import module_name

            bases += sorted({module_name(file)[1] for file in files})
        return [*dict.fromkeys([*bases, rootdir])]

    def _map(self, files: list[Path], texts: Sequence[Path] = ()) -> None:
        from pytest_paradisco.discover.mapper import MapRequest, build_map

        self.done = True
        config = self.config
        settings = self.settings
        assert self.sources is not None
        cache_dir = self._cache_dir()
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        show = (
            reporter is not None
            and getattr(reporter, "isatty", False)
            and config.get_verbosity() >= 0
        )

        shown_phase, shown_at = "", 0.0

        def progress(phase: str, done: int, total: int) -> None:
            # at most twice a second, as pytest's own collection counter, but always a
            # phase's first and last file
            nonlocal shown_phase, shown_at
            if not show or reporter is None:
                return
            now = time.monotonic()
            if phase == shown_phase and done < total and now - shown_at < 0.5:
                return
            shown_phase, shown_at = phase, now
            reporter.rewrite(report.map_progress(phase, done, total), erase=True)

        request = MapRequest(
            rootdir=config.rootpath,
            test_files=files,
            roots=self.sources.roots,
            search_path=self._bases(files),
            workers=settings.map_workers,
            timeout=settings.map_timeout,
            cache_dir=cache_dir,
            jedi_cache=cache_dir.parent / "paradisco-jedi" if cache_dir is not None else None,
            python_functions=tuple(config.getini("python_functions")),
            python_classes=tuple(config.getini("python_classes")),
            depth=settings.map_depth,
            doctests=self._doctest_paths(),
            doctest_files=texts,
            doctest_encoding=self._doctest_encoding(),
            progress=progress,
            follow=settings.map_follow,
        )
        target = Path(settings.map_file)
        if not target.is_absolute():
            target = config.rootpath / target
        from pytest_paradisco.affected import Root

        roots = [
            Root(file_key(root.path, config.rootpath), file_key(root.base, config.rootpath))
            for root in self.sources.roots
        ]
        test_files = [file_key(path, config.rootpath) for path in files]
        config.stash[MAP_RESULT_KEY] = MapResult(None, roots, test_files)
        try:
            outcome = build_map(request)
            outcome.testmap.write(target)
        except Exception as exc:  # a mapping bug must never cost the test run
            message = f"paradisco: mapping failed: {type(exc).__name__}: {exc}"
            config.stash[MAP_SUMMARY_KEY] = [message]
            warnings.warn(ParadiscoWarning(message), stacklevel=1)
            return
        finally:
            if show and reporter is not None:
                # blank the line and go back to its start: under xdist the session
                # header is written next, and would otherwise begin at its far end
                reporter.rewrite("", erase=True)
                reporter.rewrite("")
        for message in outcome.warnings:
            warnings.warn(ParadiscoWarning(message), stacklevel=1)
        coverage_line, coverage_mtime = self._add_coverage(outcome.testmap, target)
        config.stash[MAP_RESULT_KEY] = MapResult(
            outcome.testmap.to_json(), roots, test_files, coverage_mtime
        )
        config.stash[MAP_SUMMARY_KEY] = report.map_summary(
            outcome.testmap, file_key(target, config.rootpath), self._cache_note(cache_dir)
        ) + ([coverage_line] if coverage_line else [])

    def _doctest_encoding(self) -> str:
        try:
            return str(self.config.getini("doctest_encoding") or "utf-8")
        except ValueError:  # `-p no:doctest`
            return "utf-8"

    def _doctest_paths(self) -> list[Path]:
        """With ``--doctest-modules``, the paths pytest collects doctests from: the
        session's arguments (or testpaths), without ``::`` parts."""
        if not self.config.getoption("doctestmodules", False):
            return []
        here = self.config.invocation_params.dir
        paths = [Path(arg.split("::", 1)[0]) for arg in self.config.args]
        return [path if path.is_absolute() else here / path for path in paths]

    def _add_coverage(self, testmap: TestMap, target: Path) -> tuple[str | None, float | None]:
        """Join the tests a past coverage run with test contexts saw to the static map
        (``--paradisco-map-source``); rewrite the map file when anything was joined.
        Returns the summary line and the data file's modification time."""
        from pytest_paradisco.covmap import age_text, coverage_tests, data_file_for
        from pytest_paradisco.covmap import has_test_contexts as usable

        wanted = self.settings.map_source
        if wanted == "static":
            return None, None
        rootdir = self.config.rootpath
        data_file = data_file_for(rootdir)
        shown = file_key(data_file, rootdir)
        if not usable(data_file):
            if wanted is None:
                return None, None
            raise pytest.UsageError(
                f"paradisco: {self.settings.sources['map_source'].text}: {shown} has no test "
                "contexts; record them with `pytest --cov --cov-context=test` first, or use "
                "--paradisco-map-source=static"
            )
        try:
            found = coverage_tests(data_file, rootdir, testmap.functions)
        except Exception as exc:  # a data file coverage cannot read: say so, keep static
            if wanted is not None:
                raise pytest.UsageError(f"paradisco: cannot read {shown}: {exc}") from None
            warn(self.config, f"paradisco: cannot read {shown} ({exc}); static map only")
            return None, None
        only_coverage = wanted == "coverage"
        for name, entry in testmap.functions.items():
            seen = found.tests.get(name, [])
            # None where the run did not measure the file: it says nothing of it then
            entry.coverage = seen if entry.file in found.measured else None
            entry.tests = seen if only_coverage else found.joined(name, entry)
        testmap.stats["coverage"] = {
            "data_file": shown,
            "age_seconds": round(found.age_seconds, 1),
            "contexts": found.contexts,
            "pairs": found.pairs,
            "added": found.added,
        }
        testmap.write(target)
        mode = "coverage only" if only_coverage else "joined with the static map"
        line = (
            f"  coverage ({mode}): {found.contexts} test contexts in {shown}, "
            f"{age_text(found.age_seconds)} old: {found.pairs} test-function pairs, "
            f"{found.added} not in the static map"
        )
        return line, data_file.stat().st_mtime

    def _cache_dir(self) -> Path | None:
        if self.settings.map_no_cache:
            return None
        cache = getattr(self.config, "cache", None)
        if cache is None:  # -p no:cacheprovider
            return None
        directory = Path(cache.mkdir("paradisco-map"))
        if self.settings.map_cache_clear:
            from pytest_paradisco.discover.cache import ResultCache

            ResultCache(directory, salt="").clear()
            directory.mkdir(parents=True, exist_ok=True)
        return directory

    def _cache_note(self, cache_dir: Path | None) -> str | None:
        if cache_dir is not None:
            return None
        if self.settings.map_no_cache:
            return "off: --paradisco-no-cache"
        return "off: no cacheprovider"
