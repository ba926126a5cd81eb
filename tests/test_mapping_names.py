"""Jedi is asked about an attribute only when the project's code defines its name: the
source, or the test code the file reaches (itself, its conftests, the helper modules it
imports). Real Jedi over a small generated project, mapped in-process."""

from __future__ import annotations

import gc
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from _mapping_projects import linked, map_in_process, write_project
from pytest_paradisco.discover.mapper import MapRequest, build_map
from pytest_paradisco.discover.references import defined_names
from pytest_paradisco.discover.session import resolve_entries

PROJECT = {
    "src/calc/__init__.py": "",
    "src/calc/core.py": """
        def compute():
            return 1


        def tally():
            return 2


        class Meter:
            unit = "m"

            def read(self):
                return compute()
    """,
    "tests/__init__.py": "",
    "tests/helpers.py": """
        from calc.core import compute


        class FakeSensor:
            def sample_all(self):
                return compute()
    """,
    "tests/conftest.py": """
        import pytest

        from calc.core import tally


        class Probe:
            def poke(self):
                return tally()


        @pytest.fixture
        def probe():
            return Probe()
    """,
    "tests/test_names.py": """
        from calc.core import Meter

        from .helpers import FakeSensor


        def test_helper_method():
            assert FakeSensor().sample_all() == 1


        def test_conftest_method(probe):
            assert probe.poke() == 2


        def test_source_method():
            meter = Meter()
            assert meter.read() == 1
            assert {"a": 1}.items()
    """,
}


def test_attributes_defined_by_helpers_conftests_and_source_are_followed(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    import jedi.settings  # type: ignore[import-untyped]

    def settings() -> tuple[object, ...]:
        jedi_settings = jedi.settings
        return (
            jedi_settings.dynamic_params_for_other_modules,
            jedi_settings.cache_directory,
            gc.get_threshold(),
        )

    before = settings()
    functions = map_in_process(tmp_path, "calc", "tests/test_names.py")
    # the in-process run gives this process its Jedi settings and the cyclic collector's
    # thresholds (raised while mapping) back
    assert settings() == before
    prefix = "tests/test_names.py::"

    def direct(name: str) -> set[str]:
        return {t.removeprefix(prefix) for t in functions[f"calc.core.{name}"].direct}

    # sample_all is defined only in a helper module, poke only in a conftest: both followed
    assert direct("compute") == {"test_helper_method"}
    assert direct("tally") == {"test_conftest_method"}
    assert direct("Meter.read") == {"test_source_method"}


def test_defined_names_are_what_an_attribute_can_reach(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        textwrap.dedent(
            """
            import os.path as osp
            from json import loads
            LIMIT = 3


            class Box:
                size = 1

                def __init__(self, width):
                    self.width = width
                    local_only = 2
                    setattr(self, "height", local_only)

                def grow(self):
                    global COUNTER
                    COUNTER = 1
                    for item in range(3):
                        pass
            """
        )
    )
    names = defined_names(source)
    assert {"osp", "os", "path", "loads", "LIMIT", "Box", "size", "__init__", "width"} <= names
    assert {"height", "grow", "COUNTER"} <= names
    # locals and parameters of functions are not reachable as attributes
    assert not {"local_only", "item", "self"} & names
    assert defined_names(tmp_path / "missing.py") == set()


def cached_request(root: Path) -> MapRequest:
    """A mapping of tests/test_meter.py onto src/calc under ``root``, with a cache."""
    roots = resolve_entries(["calc"], root, [root / "src"])
    test = root / "tests/test_meter.py"
    return MapRequest(root, [test], roots, [root / "src"], cache_dir=root / "cache")


def test_a_name_the_source_comes_to_define_invalidates_results_that_left_it_unasked(
    tmp_path: Path,
) -> None:
    # `m.extra()` is not asked of Jedi while no code defines `extra`; the cached result
    # depends on no file that later defines it, so only the unasked name can tell
    write_project(
        tmp_path,
        {
            "src/calc/__init__.py": "",
            "src/calc/core.py": """
                class Meter:
                    def read(self):
                        return 1
            """,
            "src/calc/plugins.py": "HOOKS = []\n",
            "tests/test_meter.py": """
                from calc.core import Meter


                def test_extra():
                    m = Meter()
                    m.extra()
            """,
        },
    )
    request = cached_request(tmp_path)

    def analysed() -> tuple[int, int]:
        stats = build_map(request).testmap.stats
        return stats["analysed"], stats["cache_hits"]

    assert analysed() == (1, 0)
    assert analysed() == (0, 1)
    plugins = tmp_path / "src/calc/plugins.py"
    plugins.write_text("HOOKS = []\nunrelated = 1\n")
    assert analysed() == (0, 1)
    plugins.write_text("HOOKS = []\nunrelated = 1\nextra = None\n")
    assert analysed() == (1, 0)
    assert analysed() == (0, 1)


def test_the_source_tree_wins_over_another_copy_of_the_package_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the package is also importable from elsewhere, ahead of the source in the
    # interpreter's own path (installed, not editable; or pytest's own `packaging`):
    # the map is of the source roots, so their copy is the one Jedi must land in
    files = {
        "src/calc/__init__.py": "",
        "src/calc/core.py": """
            def compute():
                return 1
        """,
        "tests/test_core.py": """
            from calc.core import compute


            def test_compute():
                assert compute() == 1
        """,
    }
    write_project(tmp_path, files)
    write_project(
        tmp_path / "installed", {"calc/__init__.py": "", "calc/core.py": files["src/calc/core.py"]}
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "installed"))
    functions = map_in_process(tmp_path, "calc", "tests/test_core.py")
    assert functions["calc.core.compute"].direct == ["tests/test_core.py::test_compute"]


def _meter_project(root: Path, plugins: str) -> Callable[[], list[str]]:
    """``Meter.read`` calls ``self.value()``, which ast follows to ``Meter.value`` while
    no code may assign an attribute ``value`` on a ``Meter``; ``plugins`` is
    src/calc/plugins.py. Gives a cached mapping run that checks the pair and says which
    source files it analysed; the first run analyses them all."""
    write_project(
        root,
        {
            "src/calc/__init__.py": "",
            "src/calc/core.py": """
                class Meter:
                    def read(self):
                        return self.value()

                    def value(self):
                        return 1
            """,
            "src/calc/plugins.py": plugins,
            "tests/test_meter.py": """
                from calc.core import Meter


                def test_read():
                    Meter().read()
            """,
        },
    )
    request = cached_request(root)

    def source_analysed() -> list[str]:
        outcome = build_map(request)
        assert outcome.testmap.functions["calc.core.Meter.value"].tests == [
            "tests/test_meter.py::test_read"
        ]
        return list(outcome.testmap.stats["source_analysed_files"])

    everything = ["src/calc/__init__.py", "src/calc/core.py", "src/calc/plugins.py"]
    assert source_analysed() == everything
    return source_analysed


def test_an_attribute_the_source_comes_to_assign_invalidates_results_that_took_it_for_a_method(
    tmp_path: Path,
) -> None:
    # `self.value()` is followed by ast to Meter.value while no code assigns an attribute
    # `value`; once some file does, Jedi must answer again (it may find that binding too)
    source_analysed = _meter_project(tmp_path, "def patch(meter):\n    meter.other = 2\n")
    plugins = tmp_path / "src/calc/plugins.py"
    plugins.write_text("def patch(meter):\n    meter.other = 3\n")
    assert source_analysed() == ["src/calc/plugins.py"]
    plugins.write_text("def patch(meter):\n    meter.value = lambda: 3\n")
    assert source_analysed() == ["src/calc/core.py", "src/calc/plugins.py"]
    assert source_analysed() == []


AMBIGUOUS = {
    "src/shapes/__init__.py": "",
    "src/shapes/core.py": """
        class Square:
            def area(self):
                return 4


        class Circle:
            def area(self):
                return 3


        def make(kind):
            if kind == "square":
                return Square()
            return Circle()
    """,
    "tests/test_shapes.py": """
        from shapes.core import Square, make


        def test_made():
            assert make(str(1)).area() == 4


        def test_made_and_kept():
            shape = make(str(1))
            assert shape.area() == 4


        def test_constructed():
            assert Square().area() == 4
    """,
}


def test_a_method_jedi_finds_on_several_classes_is_no_direct_pair(tmp_path: Path) -> None:
    """Jedi types ``make(..)`` as either class: which ``area`` runs is the closure's
    to say (both, by name, as ``make`` constructs both), not a direct reference."""
    write_project(tmp_path, AMBIGUOUS)
    functions = map_in_process(tmp_path, "shapes", "tests/test_shapes.py")

    def pairs(name: str) -> tuple[set[str], set[str]]:
        key, prefix = f"shapes.core.{name}", "tests/test_shapes.py::"
        return linked(functions, key, prefix), linked(functions, key, prefix, "tests")

    every = {"test_made", "test_made_and_kept"}
    assert pairs("Square.area") == ({"test_constructed"}, every | {"test_constructed"})
    assert pairs("Circle.area") == (set(), every)
    assert pairs("make")[0] == every


SELF_STORED = {
    "src/flo/__init__.py": "",
    "src/flo/core.py": """
        class Flo:
            def __init__(self):
                self._open = True

            @property
            def closed(self):
                return not self._open

            def isatty(self):
                return False


        class DummyFile:
            def __init__(self):
                self.closed = False  # an unrelated class's instance attribute
                self.isatty = False
    """,
    "tests/test_flo.py": """
        from unittest import TestCase

        from flo.core import Flo


        class Checks:
            def test_closed(self):
                assert not self.flo.closed


        class TestFlo(TestCase, Checks):
            def setUp(self):
                self.flo = Flo()


        def test_isatty():
            flo = Flo()
            assert not flo.isatty()
    """,
}


def test_an_attribute_assigned_on_self_of_an_unrelated_class_leaves_the_method(
    tmp_path: Path,
) -> None:
    """boltons' ``DummyFile.__init__`` assigns ``self.closed`` and ``self.isatty``: an
    instance of ``SpooledBytesIO`` still reads the property and calls the method."""
    write_project(tmp_path, SELF_STORED)
    functions = map_in_process(tmp_path, "flo", "tests/test_flo.py")
    assert linked(functions, "flo.core.Flo.closed", "tests/test_flo.py::") == {
        "TestFlo::test_closed"
    }
    assert linked(functions, "flo.core.Flo.isatty", "tests/test_flo.py::") == {"test_isatty"}


PLUGINS = """
    from calc.core import Meter


    class Other:
        def __init__(self):
            self.{other} = 2


    class Sub(Meter):
        def __init__(self):
            self.{sub} = lambda: 2
"""


def test_an_attribute_a_related_class_comes_to_assign_on_self_invalidates_the_result(
    tmp_path: Path,
) -> None:
    # `self.value()` in Meter.read is Meter.value, while no class related to Meter assigns
    # `self.value`: an unrelated class doing so invalidates nothing, a subclass does
    source_analysed = _meter_project(tmp_path, PLUGINS.format(other="other", sub="other"))
    plugins = tmp_path / "src/calc/plugins.py"
    plugins.write_text(textwrap.dedent(PLUGINS.format(other="value", sub="other")))
    assert source_analysed() == ["src/calc/plugins.py"]
    plugins.write_text(textwrap.dedent(PLUGINS.format(other="value", sub="value")))
    assert source_analysed() == ["src/calc/core.py", "src/calc/plugins.py"]
    assert source_analysed() == []


DOTTED = {
    "src/tpl/__init__.py": """
        import importlib


        def load(path):
            module, _, name = path.rpartition(".")
            return getattr(importlib.import_module(module), name)


        class Environment:
            def __init__(self, extensions=()):
                self.extensions = [load(path)(self) for path in extensions]
    """,
    "src/tpl/ext.py": """
        class Extension:
            def __init__(self, environment):
                self.environment = environment


        class LoopControls(Extension):
            def __init__(self, environment):
                super().__init__(environment)
                self.loops = True


        def helper():
            return 1


        loopcontrols = LoopControls
    """,
    "tests/test_tpl.py": """
        from tpl import Environment


        def test_by_path():
            Environment(extensions=["tpl.ext.loopcontrols"])


        def test_function_path():
            assert "tpl.ext.helper"


        def test_not_a_path():
            assert "tpl.ext.nothing" != "os.path.join"
    """,
}


def test_a_string_spelling_a_source_dotted_path_is_what_the_library_loads(
    tmp_path: Path,
) -> None:
    """jinja2's tests name extensions by path (``extensions=["jinja2.ext.do"]``, an alias
    of ``ExprStmtExtension``): the class is made, its constructors run, in the closure
    only (a string is no call)."""
    write_project(tmp_path, DOTTED)
    functions = map_in_process(tmp_path, "tpl", "tests/test_tpl.py")
    prefix = "tests/test_tpl.py::"
    assert functions["tpl.ext.LoopControls.__init__"].tests == [f"{prefix}test_by_path"]
    assert functions["tpl.ext.LoopControls.__init__"].direct == []
    assert functions["tpl.ext.helper"].tests == [f"{prefix}test_function_path"]
    assert functions["tpl.ext.Extension.__init__"].tests == [f"{prefix}test_by_path"]
