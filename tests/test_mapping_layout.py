"""Tests kept inside the package they test (toolz 1.0.0 keeps them in ``toolz/tests/``):
they are test code, not source, so a test that calls a helper or another test in them
is followed into it. Real Jedi over a small generated project, mapped in-process."""

from __future__ import annotations

from pathlib import Path

from _mapping_projects import map_in_process, write_project

PROJECT = {
    "src/lib/__init__.py": "",
    "src/lib/core.py": """
        class Parser:
            def __init__(self, text):
                self.text = text


        def is_valid(value):
            return True


        def is_partial(value):
            return False
    """,
    "src/lib/tests/__init__.py": "",
    "src/lib/tests/test_core.py": """
        from lib.core import Parser, is_partial, is_valid


        def parse(text):
            return Parser(text)


        def test_valid(check=is_valid):
            assert check(parse("x"))


        def test_partial():
            test_valid(check=is_partial)
    """,
}


def test_helpers_in_a_test_file_inside_the_package_are_followed(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    functions = map_in_process(tmp_path, "lib", "src/lib/tests/test_core.py")
    prefix = "src/lib/tests/test_core.py::"
    # the test files are not targets, though they sit under the source root
    assert not any(name.startswith("lib.tests") for name in functions)
    direct = {t.removeprefix(prefix) for t in functions["lib.core.Parser.__init__"].direct}
    # through the helper `parse`, and through the test `test_valid` that test_partial calls
    assert direct == {"test_valid", "test_partial"}


CONDITIONAL = {
    "src/lib/__init__.py": "",
    "src/lib/core.py": """
        def first():
            return 1


        def second():
            return 2


        def third():
            return 3
    """,
    "tests/test_cond.py": """
        import sys

        import pytest

        from lib.core import first, second, third

        if sys.version_info >= (3,):

            @pytest.fixture
            def value():
                return third()

            def test_in_if(value):
                assert first()

        try:
            import json
        except ImportError:  # pragma: no cover
            json = None
        else:

            class TestInTry:
                if json is not None:

                    def test_method(self):
                        assert second()
    """,
}


def test_tests_defined_in_blocks_at_module_and_class_level_are_mapped(tmp_path: Path) -> None:
    # pytest collects what a module-level `if`/`try`/`with` block defines (boltons keeps
    # its gcutils tests under `if '__pypy__' not in sys.builtin_module_names:`)
    write_project(tmp_path, CONDITIONAL)
    functions = map_in_process(tmp_path, "lib", "tests/test_cond.py")
    assert functions["lib.core.first"].direct == ["tests/test_cond.py::test_in_if"]
    assert functions["lib.core.third"].direct == ["tests/test_cond.py::test_in_if"]
    assert functions["lib.core.second"].direct == ["tests/test_cond.py::TestInTry::test_method"]
