"""Dunders that syntax calls: ``with`` runs ``__enter__``/``__exit__`` and ``for`` runs
``__iter__``/``__next__`` on a value of a source class, in tests and in the source
(the largest class of closure misses on click 8.1.7: ``with ctx:`` in ``Command.main``).
Real Jedi over a small generated project, mapped in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_paradisco.discover.mapper import MapRequest, build_map
from pytest_paradisco.discover.session import resolve_entries

PROJECT = {
    "src/res/__init__.py": "",
    "src/res/core.py": """
        class Session:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return None

            def __iter__(self):
                return self

            def __next__(self):
                raise StopIteration

            def unused(self):
                return 0


        def open_session() -> Session:
            return Session()


        def run():
            session = open_session()
            with session:
                return 1


        def walk():
            for _ in open_session():
                pass


        def plain():
            with open(__file__) as handle:
                return handle.read()
    """,
    "tests/test_res.py": """
        from res.core import Session, open_session, plain, run, walk


        def test_with_in_test():
            with Session() as session:
                assert session


        def test_with_call_in_test():
            with open_session():
                pass


        def test_run():
            assert run() == 1


        def test_walk():
            walk()


        def test_plain():
            assert plain()
    """,
}


def test_with_and_for_reach_the_dunders_they_call(tmp_path: Path) -> None:
    for rel, text in PROJECT.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    roots = resolve_entries(["res"], tmp_path, [tmp_path / "src"])
    request = MapRequest(tmp_path, [tmp_path / "tests/test_res.py"], roots, [tmp_path / "src"])
    functions = build_map(request).testmap.functions
    prefix = "tests/test_res.py::"

    def direct(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"res.core.{name}"].direct}

    def closure(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"res.core.{name}"].tests}

    # in the test body: a constructed value, and the value a call returns
    with_tests = {"test_with_in_test", "test_with_call_in_test"}
    assert direct("Session.__enter__") == with_tests
    assert direct("Session.__exit__") == with_tests
    # in the source: run's `with session:` and walk's `for _ in open_session():`
    assert closure("Session.__enter__") == with_tests | {"test_run"}
    assert closure("Session.__exit__") == with_tests | {"test_run"}
    assert closure("Session.__iter__") == {"test_walk"}
    assert closure("Session.__next__") == {"test_walk"}
    # nothing syntax does not call, and nothing for a `with` over a builtin's value
    assert closure("Session.unused") == set()
    assert "test_plain" not in closure("Session.__exit__")
