"""Call edges by name, for calls that no type reaches: rapid type analysis by name.

Jedi follows a call through the types it infers; where it infers nothing, the call is
lost, and with it everything the callee runs. What this module adds, for the closure
only (never for a test's ``direct`` pairs):

- ``attr:NAME`` pseudo-targets: an attribute call (or read) ``x.NAME`` that Jedi resolves
  to nothing (``for param in self.get_params(ctx): param.handle_parse_result()``). The
  closure reaches ``C.NAME`` for each source class ``C`` it has seen constructed (a
  ``new:C``), the method an instance of ``C`` runs for ``NAME`` (inherited ones
  included). ``attr:PREFIX*`` stands for every method whose name starts with
  ``PREFIX`` (``getattr(self, f"visit_{type(node).__name__}")``), and a ``@CLASS``
  suffix keeps only classes that are ``CLASS`` or derive from it (``getattr(self, ...)``
  in a method of ``CLASS``).
- registries: a function that reads a module-level dict, list, tuple or set whose
  values name source functions or classes (``FILTERS = {"upper": do_upper, ...}``), or
  are calls passed such names (``"latex": TableFormat(.., datarow=partial(_latex_row,
  ..))``), reaches those functions (and the classes' constructors): whoever looks an entry up
  may call it. An entry a dict keeps under an identifier is looked up with a name that
  comes from data: it is reached through a ``key:NAME`` node, which the closure of a
  test follows only when the test's string literals hold the word NAME (a template
  ``"{{ x|upper }}"`` names its filter).
- generated code: in a project whose source calls ``compile``/``exec``/``eval`` on a
  string it builds, the string literals of a source function are code it writes, and
  ``name(`` in them is a call that code makes when it runs (jinja2's
  ``self.write("markup_join(")``): the function reaches the source functions and
  classes named ``name`` at module level. (``.name(`` as ``attr:name`` was measured:
  on jinja2, closure recall +0.03 at precision -0.04, below 0.35; left out.)

- what Jedi often loses on the way to a constructor or a base method: ``super().m()``
  in a method of ``C`` reaches the next ``m`` along ``C``'s source bases; a variable
  bound to a class (in the function or a function around it, a parameter's default
  included) and called reaches the class's constructors (click's ``cls = t.cast(...,
  Command)`` ... ``cls(name, ...)``); and a class constructed at import time (a
  descriptor in a class body, a module-level instance) is constructed for every test.

The facts are read by ``ast`` with the source index (:func:`collect`), so they cost no
Jedi time and need no cache of their own; :func:`name_edges` turns them into edges.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_paradisco.discover.targets import SourceIndex

#: Prefix of the pseudo-targets that say "calls a method of this name on a value whose
#: type is not known" (see the module docstring for ``*`` and ``@CLASS``).
ATTR = "attr:"

#: What names the pseudo-class of the functions a source function attaches to what it
#: makes (``wrapper.cache_info = cache_info``): ``<function>.<attached>``, whose
#: methods are those functions (``attached`` of :class:`NameFacts`; mapper.py)
ATTACHED = ".<attached>"

#: Prefix of the pseudo-targets that stand for "the registry entry kept under this
#: name": the closure follows one only for a test whose string literals hold the name
#: (``Closure.of(starts, words)``), the way a template names its filters.
KEY = "key:"

#: The rules, by the names ``PARADISCO_NAME_RULES_OFF`` (a comma-separated list, for
#: benchmarks measuring what each rule gives) leaves them out by: ``jedi-attr`` (the
#: ``attr:`` targets of attributes Jedi does not resolve), ``getattr``, ``registry`` and
#: ``generated``.
RULES = frozenset(
    {
        "jedi-attr",
        "getattr",
        "registry",
        "generated",
        "import",
        "variable-call",
        "super",
        "class-attr",
    }
)

#: The builtins that run code held in a string.
_RUNNERS = frozenset({"compile", "exec", "eval"})

_BARE_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")


#: Suffix of an ``attr:`` pseudo-target that reaches only classes the test's own code
#: constructs, not those every test has because the import makes an instance of them
OWN = "!"


def attr_target(
    name: str, *, prefix: bool = False, within: str | None = None, own: bool = False
) -> str:
    """The pseudo-target for a method ``name`` (or every method starting with ``name``)
    of a constructed class (that derives from ``within``, when given; that the test's
    own code constructs, with ``own``)."""
    text = f"{ATTR}{name}{'*' if prefix else ''}{'@' + within if within else ''}"
    return text + OWN if own else text


@dataclass(frozen=True)
class AttrPattern:
    """A parsed ``attr:`` pseudo-target."""

    name: str
    prefix: bool
    within: str | None
    own: bool = False

    @classmethod
    def parse(cls, pseudo: str) -> AttrPattern:
        text = pseudo[len(ATTR) :]
        own = text.endswith(OWN)
        text, _, within = text.removesuffix(OWN).partition("@")
        prefix = text.endswith("*")
        return cls(text.rstrip("*"), prefix, within or None, own)

    def methods(self, table: Mapping[str, str]) -> Iterable[str]:
        """The targets this pattern reaches in one class's method table."""
        if not self.prefix:
            found = table.get(self.name)
            return (found,) if found is not None else ()
        return [target for method, target in table.items() if method.startswith(self.name)]


@dataclass
class NameFacts:
    """What :func:`collect` reads off the source for :func:`name_edges`."""

    #: module-level container (dotted) -> (key, dotted name) of its values: the key a
    #: dict holds the value under when it is an identifier, else ``""``
    containers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: function -> dotted names of the module-level names and imports its body reads
    reads: dict[str, frozenset[str]] = field(default_factory=dict)
    #: function -> ``attr:`` pseudo-targets from ``getattr(x, "name")`` and
    #: ``getattr(x, f"prefix{...}")`` in its body
    getattrs: dict[str, frozenset[str]] = field(default_factory=dict)
    #: function -> the names called in the code its string literals hold: ``name(``
    literal_calls: dict[str, frozenset[str]] = field(default_factory=dict)
    #: does some source function run a string it builds (``compile(source, ...)``)?
    compiles: bool = False
    #: function -> the dotted names read where the variables it calls were bound (in it
    #: or in the functions around it: ``cls = Command`` ... ``cls(name)``)
    variable_calls: dict[str, frozenset[str]] = field(default_factory=dict)
    #: function -> its parameters it calls, as (position among a call's arguments, or
    #: -1 for a keyword-only one; name): ``def report(self, messageClass, *args)``
    #: ... ``messageClass(..)`` is ``(0, "messageClass")``
    param_calls: dict[str, frozenset[tuple[int, str]]] = field(default_factory=dict)
    #: function -> the names it passes to a call, as (the callee's last name, the
    #: argument's position or keyword, the dotted name passed): ``self.report(
    #: messages.UndefinedName, node, name)`` is ``("report", 0,
    #: "pyflakes.messages.UndefinedName")``
    passed: dict[str, frozenset[tuple[str, int | str, str]]] = field(default_factory=dict)
    #: functions that call a parameter (theirs or of a function around them) that is
    #: asked ``callable(..)`` of: the caller may pass an instance of a class with
    #: ``__call__`` (a local so asked, such as click's default value, is left out)
    callable_calls: set[str] = field(default_factory=set)
    #: method -> its class, when it makes an instance with ``__new__(cls)``
    builds: dict[str, set[str]] = field(default_factory=dict)
    #: method -> (its class, the names it calls on ``super()``)
    supers: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    #: dotted names called at import time, in a module's or a class's body outside any
    #: function: a source class among them is constructed for every test
    import_calls: set[str] = field(default_factory=set)
    #: class (dotted) -> attribute -> the dotted name it is bound to, in the class body
    #: (``code_generator_class = NativeCodeGenerator``) or from its module's top level
    #: (``Environment.template_class = Template``); the last binding of each
    class_refs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: function -> attribute -> the function it defines and attaches to a value under that
    #: name (``wrapper.cache_info = cache_info``): whoever gets the value may call it
    attached: dict[str, dict[str, str]] = field(default_factory=dict)


def collect(
    index: SourceIndex, parsed: Iterable[tuple[str, ast.Module, Mapping[str, str]]]
) -> NameFacts:
    """The name facts of every parsed source module: (module, tree, its import aliases)."""
    facts = NameFacts()
    modules = list(parsed)
    for module, tree, aliases in modules:
        for stmt in tree.body:
            targets: list[ast.expr] = []
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            values = _container_values(value)
            if values is None:
                continue
            dotted = tuple(
                (key, name)
                for key, item in values
                for part in _held_names(item)
                if (name := dotted_name(part, module, aliases)) is not None
            )
            for target in targets:
                if isinstance(target, ast.Name) and dotted:
                    facts.containers[f"{module}.{target.id}"] = dotted
    for module, tree, aliases in modules:
        _class_refs(facts, module, tree, aliases)
        _FunctionWalker(facts, module, aliases).visit(tree)
        todo: list[ast.AST] = list(tree.body)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.extend(node.decorator_list if not isinstance(node, ast.Lambda) else ())
                continue
            if isinstance(node, ast.Call):
                callee = dotted_name(node.func, module, aliases)
                if callee is not None:
                    facts.import_calls.add(callee)
            todo.extend(ast.iter_child_nodes(node))
    return facts


def _class_refs(
    facts: NameFacts, module: str, tree: ast.Module, aliases: Mapping[str, str]
) -> None:
    """The names a top-level class's attributes are bound to (see ``class_refs``)."""

    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            for item in stmt.body:
                if not isinstance(item, ast.Assign | ast.AnnAssign) or item.value is None:
                    continue
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                held = dotted_name(item.value, module, aliases)
                for target in targets:
                    if held is not None and isinstance(target, ast.Name):
                        facts.class_refs.setdefault(f"{module}.{stmt.name}", {})[target.id] = held
        elif isinstance(stmt, ast.Assign) and (held := dotted_name(stmt.value, module, aliases)):
            for target in stmt.targets:
                if isinstance(target, ast.Attribute) and (
                    owner := dotted_name(target.value, module, aliases)
                ):
                    facts.class_refs.setdefault(owner, {})[target.attr] = held


def _held_names(item: ast.expr) -> list[ast.expr]:
    """The names an entry of a container holds: itself, or the names passed to the call
    that makes it, nested calls included (tabulate's ``"latex": TableFormat(..,
    datarow=partial(_latex_row, ..), ..)``: looking the entry up, the caller gets what
    calls ``_latex_row``). Not the callee: it ran at import time."""
    if not isinstance(item, ast.Call):
        return [item]
    found: list[ast.expr] = []
    given = [*item.args, *(keyword.value for keyword in item.keywords)]
    for arg in (a.value if isinstance(a, ast.Starred) else a for a in given):
        if isinstance(arg, ast.Name | ast.Attribute):
            found.append(arg)
        elif isinstance(arg, ast.Call):
            found += _held_names(arg)
    return found


def _container_values(value: ast.expr) -> list[tuple[str, ast.expr]] | None:
    """(key, value) of a dict display (the key when it is an identifier string, else
    ``""``), ``("", element)`` of a list, tuple or set display; None for anything else."""
    if isinstance(value, ast.Dict):
        return [
            (
                key.value
                if isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value.isidentifier()
                else "",
                item,
            )
            for key, item in zip(value.keys, value.values, strict=True)
        ]
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return [("", item) for item in value.elts]
    return None


def dotted_name(expr: ast.expr, module: str, aliases: Mapping[str, str]) -> str | None:
    """A name or attribute chain as a dotted name in ``module``'s namespace (through its
    import ``aliases``); None for any other expression."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.insert(0, expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    head = aliases.get(expr.id, f"{module}.{expr.id}")
    return ".".join([head, *parts])


class _FunctionWalker(ast.NodeVisitor):
    """Each function's own body (nested functions are their own), named as targets are."""

    def __init__(self, facts: NameFacts, module: str, aliases: Mapping[str, str]) -> None:
        self.facts = facts
        self.module = module
        self.aliases = aliases
        self.scope: list[str] = []
        self.classes: list[str | None] = []  # the class each scope level is (None: a def)
        # per enclosing function: variable -> the dotted names its values were made of
        self.bindings: list[dict[str, set[str]]] = [{}]
        # per enclosing function: its parameters it (or a function in it) asks
        # `callable(..)` of
        self.checked: list[frozenset[str]] = [frozenset()]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.classes.append(".".join([self.module, *self.scope]))
        self.generic_visit(node)
        self.scope.pop()
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        name = ".".join([self.module, *self.scope, node.name])
        owner = self.classes[-1] if self.classes else None
        bindings = {var: set(values) for var, values in self.bindings[-1].items()}
        args = node.args
        params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        checked = self.checked[-1] | (_callable_checks(node) & params)
        self._body(name, node, owner, bindings, checked)
        self._attached(name, node)
        self.scope += [node.name, "<locals>"]
        self.classes += [None, None]
        self.bindings.append(bindings)
        self.checked.append(checked)
        self.generic_visit(node)
        self.bindings.pop()
        self.checked.pop()
        del self.scope[-2:]
        del self.classes[-2:]

    visit_AsyncFunctionDef = visit_FunctionDef

    def _attached(self, name: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """``value.attr = inner`` in ``node``'s own body, for ``inner`` a function it
        defines (cachetools' ``cached`` decorator: ``wrapper.cache_info = cache_info``),
        but not on its ``self``: a method's attribute is the instance's business."""
        defined: set[str] = set()
        stores: list[tuple[str, str]] = []
        first = (node.args.posonlyargs + node.args.args)[:1]
        me = first[0].arg if first and self.classes and self.classes[-1] else ""
        todo: list[ast.AST] = list(node.body)
        while todo:
            sub = todo.pop()
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
                defined.add(sub.name)
                continue
            if isinstance(sub, ast.ClassDef | ast.Lambda):
                continue
            if (
                isinstance(sub, ast.Assign)
                and len(sub.targets) == 1
                and isinstance(sub.targets[0], ast.Attribute)
                and isinstance(sub.targets[0].value, ast.Name)
                and sub.targets[0].value.id != me
                and isinstance(sub.value, ast.Name)
            ):
                stores.append((sub.targets[0].attr, sub.value.id))
            todo.extend(ast.iter_child_nodes(sub))
        found = {attr: f"{name}.<locals>.{inner}" for attr, inner in stores if inner in defined}
        if found:
            self.facts.attached[name] = found

    def _body(
        self,
        name: str,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        owner: str | None,
        bindings: dict[str, set[str]],
        checked: frozenset[str] = frozenset(),
    ) -> None:
        """Read the facts of one function's own body; ``bindings`` (those of the
        enclosing functions) gains the variables this body binds. ``checked``: the
        parameters of this function or of one around it that it asks ``callable(..)``
        of."""
        reads: set[str] = set()
        getattrs: set[str] = set()
        named: list[ast.Call] = []  # `getattr(self, name)` with a computed name
        assigned: dict[str, list[ast.expr]] = {}  # local -> the values bound to it
        bare: set[str] = set()
        passed: set[tuple[str, int | str, str]] = set()
        called: set[str] = set()  # variables called
        supers: set[str] = set()  # `super().m(...)`
        args = node.args
        params = args.posonlyargs + args.args
        # a method calls its own class through its first parameter: `type(self)(..)`,
        # `self.__class__(..)`, `cls(..)` in a classmethod (toolz's `curry.bind`)
        me = params[0].arg if params and owner is not None else None
        is_classmethod = _decorated(node, "classmethod")
        own_class = False
        positional = reversed(params)
        defaults = zip(positional, reversed(args.defaults), strict=False)  # the last ones
        keywords = zip(args.kwonlyargs, args.kw_defaults, strict=True)
        for arg, default in [*defaults, *keywords]:
            if default is not None:
                bindings.setdefault(arg.arg, set()).update(self._names(default))
        body = list(node.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        todo: list[ast.AST] = list(body)
        while todo:
            sub = todo.pop()
            if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                continue
            todo.extend(ast.iter_child_nodes(sub))
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                reads.add(self.aliases.get(sub.id, f"{self.module}.{sub.id}"))
            elif (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id in self.aliases
            ):
                reads.add(f"{self.aliases[sub.value.id]}.{sub.attr}")
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                bare.update(_BARE_CALL.findall(sub.value))
            elif isinstance(sub, ast.Assign | ast.AnnAssign) and sub.value is not None:
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        bindings.setdefault(target.id, set()).update(self._names(sub.value))
                        assigned.setdefault(target.id, []).append(sub.value)
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and sub.func.attr == "__new__"
                and sub.args
                and isinstance(sub.args[0], ast.Name)
                and sub.args[0].id == "cls"
                and owner is not None
            ):
                # `object.__new__(cls)` in a classmethod builds an instance of the class
                # (or of a subclass) without calling it (jinja2's Template.from_code)
                self.facts.builds.setdefault(name, set()).add(owner)
            if me and isinstance(sub, ast.Call) and _own_class(sub.func, me, is_classmethod):
                own_class = True
            if isinstance(sub, ast.Call):
                passed.update(self._passed(sub))
            if (
                isinstance(sub, ast.Call)
                and isinstance(sub.func, ast.Attribute)
                and isinstance(sub.func.value, ast.Call)
                and isinstance(sub.func.value.func, ast.Name)
                and sub.func.value.func.id == "super"
            ):
                supers.add(sub.func.attr)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                called.add(sub.func.id)
                if sub.func.id == "getattr" and len(sub.args) >= 2:
                    pseudo = _getattr_target(sub.args[0], sub.args[1], owner)
                    if pseudo is not None:
                        getattrs.add(pseudo)
                    else:
                        named.append(sub)
                elif (
                    sub.func.id in _RUNNERS
                    and sub.args
                    and not isinstance(sub.args[0], ast.Constant)
                ):
                    self.facts.compiles = True
        for call in named:
            pseudo = _type_dispatch(call.args[0], call.args[1], owner, assigned)
            if pseudo is not None:
                getattrs.add(pseudo)
        if reads:
            self.facts.reads[name] = frozenset(reads)
        if getattrs:
            self.facts.getattrs[name] = frozenset(getattrs)
        if bare:
            self.facts.literal_calls[name] = frozenset(bare)
        if called & checked:
            # a variable that may hold any callable (`if callable(schema): ... def
            # validate_callable(path, data): return schema(data)`, voluptuous' validators,
            # instances of classes with `__call__`): the closure dispatches by name
            self.facts.callable_calls.add(name)
        if passed:
            self.facts.passed[name] = frozenset(passed)
        skip = 1 if me is not None and not _decorated(node, "staticmethod") else 0
        param_calls = {(i - skip, p.arg) for i, p in enumerate(params) if i >= skip}
        param_calls |= {(-1, p.arg) for p in args.kwonlyargs}
        if called_params := frozenset((i, p) for i, p in param_calls if p in called):
            self.facts.param_calls[name] = called_params
        made = {value for var in called for value in bindings.get(var, ())}
        if own_class and owner is not None:
            made.add(owner)
        if made:
            self.facts.variable_calls[name] = frozenset(made)
        if supers and owner is not None:
            self.facts.supers[name] = (owner, frozenset(supers))

    def _passed(self, call: ast.Call) -> Iterator[tuple[str, int | str, str]]:
        """The names a call passes (see ``NameFacts.passed``)."""
        func = call.func
        callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if callee is None:
            return
        given: list[tuple[int | str, ast.expr]] = []
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                break  # (the positions after it are not known)
            given.append((i, arg))
        given += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
        for where, value in given:
            if isinstance(value, ast.Name | ast.Attribute):
                dotted = dotted_name(value, self.module, self.aliases)
                if dotted is not None:
                    yield callee, where, dotted

    def _names(self, value: ast.expr) -> set[str]:
        """The dotted names read in an expression (``t.cast(T, Command)``, ``a or B``)."""
        return {
            dotted
            for sub in ast.walk(value)
            if isinstance(sub, ast.Name | ast.Attribute)
            and (dotted := dotted_name(sub, self.module, self.aliases)) is not None
        }


def _callable_checks(node: ast.AST) -> frozenset[str]:
    """The names ``callable(NAME)`` asks of anywhere in ``node``."""
    return frozenset(
        sub.args[0].id
        for sub in ast.walk(node)
        if isinstance(sub, ast.Call)
        and isinstance(sub.func, ast.Name)
        and sub.func.id == "callable"
        and len(sub.args) == 1
        and isinstance(sub.args[0], ast.Name)
    )


def _decorated(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(isinstance(d, ast.Name) and d.id == name for d in node.decorator_list)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _getattr_target(receiver: ast.expr, attribute: ast.expr, owner: str | None) -> str | None:
    """``getattr(x, "name")`` -> ``attr:name``; ``getattr(x, f"pre{...}")`` or
    ``getattr(x, "pre" + ...)`` -> ``attr:pre*``; on ``self``/``cls`` in a method,
    restricted to the method's class and its subclasses."""
    within = owner if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls") else None
    if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
        if attribute.value.isidentifier():
            return attr_target(attribute.value, within=within)
        return None
    head = _joined_prefix(attribute)
    return attr_target(head, prefix=True, within=within) if head is not None else None


def _joined_prefix(value: ast.expr) -> str | None:
    """The identifier ``f"visit_{..}"`` or ``"visit_" + ..`` starts with; None else."""
    head: ast.expr | None = None
    if isinstance(value, ast.JoinedStr) and value.values:
        head = value.values[0]
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        head = value.left
    if isinstance(head, ast.Constant) and isinstance(head.value, str) and head.value.isidentifier():
        return head.value
    return None


def _type_dispatch(
    receiver: ast.expr,
    attribute: ast.expr,
    owner: str | None,
    assigned: Mapping[str, list[ast.expr]],
) -> str | None:
    """``getattr(self, name)`` in a method, where ``name`` is made of a type's
    ``__name__`` (in itself, or in the values bound to the locals it reads): a visitor's
    dispatch on the node's class (pyflakes' ``nodeType = node_class.__name__.upper()``
    ... ``getattr(self, nodeType, self._unknown_handler)``) -> ``attr:*@CLASS``, any
    method of the class; with the prefix the name is built with, where it has one
    (sqlparse's ``func_name = '_process_{cls}'.format(cls=type(tlist).__name__)`` ...
    ``getattr(self, func_name.lower(), ..)``: ``attr:_process_*@CLASS``)."""
    if owner is None or not (isinstance(receiver, ast.Name) and receiver.id in ("self", "cls")):
        return None
    values = [attribute]
    values += [
        value
        for sub in ast.walk(attribute)
        if isinstance(sub, ast.Name)
        for value in assigned.get(sub.id, ())
    ]
    if not any(
        isinstance(sub, ast.Attribute) and sub.attr == "__name__"
        for value in values
        for sub in ast.walk(value)
    ):
        return None
    prefixes = {_name_prefix(value) for value in values} - {None}
    prefix = prefixes.pop() if len(prefixes) == 1 else ""
    return attr_target(prefix or "", prefix=True, within=owner)


def _name_prefix(value: ast.expr) -> str | None:
    """The identifier a string built from parts starts with: ``f"visit_{..}"``,
    ``"visit_" + ..`` (:func:`_joined_prefix`), ``"_process_{cls}".format(..)``,
    through ``.lower()``."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        method, inner = value.func.attr, value.func.value
        if method in ("lower", "upper") and not value.args:
            found = _name_prefix(inner)
            return getattr(found, method)() if found else found
        if method == "format" and isinstance(inner, ast.Constant):
            text = str(inner.value).partition("{")[0]
            return text if text.isidentifier() else None
        return None
    return _joined_prefix(value)


def _own_class(callee: ast.expr, me: str, is_classmethod: bool) -> bool:
    """Is ``callee`` the class of the method's first parameter ``me``: ``type(me)``,
    ``me.__class__``, or ``me`` itself in a classmethod?"""
    if isinstance(callee, ast.Call):
        return (
            isinstance(callee.func, ast.Name)
            and callee.func.id == "type"
            and len(callee.args) == 1
            and isinstance(callee.args[0], ast.Name)
            and callee.args[0].id == me
        )
    if isinstance(callee, ast.Attribute):
        value = callee.value
        return callee.attr == "__class__" and isinstance(value, ast.Name) and value.id == me
    return is_classmethod and isinstance(callee, ast.Name) and callee.id == me


def name_edges(
    index: SourceIndex, facts: NameFacts, off: frozenset[str] = frozenset()
) -> dict[str, set[str]]:
    """Caller -> callees (targets, ``new:`` and ``attr:`` pseudo-targets) from the facts:
    registries read, ``getattr`` by name, and calls in generated code."""
    from pytest_paradisco.discover.references import NEW

    edges: dict[str, set[str]] = {}

    def reach(caller: str, dotted: str) -> bool:
        resolved = index.resolve(dotted)
        if resolved in index.targets:
            edges.setdefault(caller, set()).add(resolved)
        elif resolved in index.classes:
            found = edges.setdefault(caller, set())
            found.update(index.constructors(resolved))
            found.add(NEW + resolved)
        else:
            return False
        return True

    containers = {index.resolve(name): values for name, values in facts.containers.items()}
    if "registry" in off:
        containers = {}
    for caller, reads in facts.reads.items():
        if caller not in index.targets:
            continue
        for read in reads:
            for key, value in containers.get(index.resolve(read), ()):
                # a value kept under a name is looked up by a name from data: the
                # closure follows `key:NAME` only for tests whose strings hold NAME
                if not key:
                    reach(caller, value)
                elif reach(KEY + key, value):
                    edges.setdefault(caller, set()).add(KEY + key)
    for caller, pseudos in facts.getattrs.items():
        if caller in index.targets and "getattr" not in off:
            edges.setdefault(caller, set()).update(pseudos)
    if "variable-call" not in off:
        for caller, made in facts.variable_calls.items():
            if caller in index.targets:
                for dotted in made:
                    if index.resolve(dotted) in index.classes:
                        reach(caller, dotted)
    if "variable-call" not in off:
        # a class passed to a function that calls the parameter it binds is made by the
        # caller's call (pyflakes' `self.report(messages.UndefinedName, ..)`, whose
        # `report(self, messageClass, ..)` calls `messageClass(..)`), callee by name
        calling: dict[str, set[int | str]] = {}
        for callee, calls in facts.param_calls.items():
            if callee in index.targets:
                wheres = calling.setdefault(callee.rpartition(".")[2], set())
                wheres.update(where for position, param in calls for where in (position, param))
        for caller, given in facts.passed.items():
            if caller in index.targets:
                for name, where, dotted in given:
                    if where in calling.get(name, ()) and index.resolve(dotted) in index.classes:
                        reach(caller, dotted)
        for caller in facts.callable_calls:
            if caller in index.targets:
                # (not the import-time instances every test has: toolz's curried
                # namespace, whose `curry.__call__` every `callable(form)` would reach)
                edges.setdefault(caller, set()).add(attr_target("__call__", own=True))
        for caller, classes in facts.builds.items():
            if caller in index.targets:
                edges.setdefault(caller, set()).update(NEW + cls for cls in classes)
    if "super" not in off:
        for caller, (owner, methods) in facts.supers.items():
            bases = list(index.mro(owner))[1:]
            for method in methods:
                found = next(
                    (t for info in bases if (t := f"{info.name}.{method}") in index.targets), None
                )
                if found is not None and caller in index.targets:
                    edges.setdefault(caller, set()).add(found)
    if "class-attr" not in off:
        # an instance of a class may make one of the classes its class attributes hold
        # (jinja2's `NativeEnvironment.code_generator_class = NativeCodeGenerator`,
        # called as `self.code_generator_class(..)`, which Jedi types by the base's
        # `CodeGenerator`): constructing it counts as constructing them too, for the
        # closure's dispatch to their overrides
        # (and what its bases bind, unless it binds the attribute itself: itsdangerous'
        # `URLSafeSerializer(URLSafeSerializerMixin, Serializer)` holds the mixin's
        # `default_serializer = _CompactJSON`)
        holding: dict[str, dict[str, str]] = {}
        for owner, held in facts.class_refs.items():
            cls = index.resolve(owner)
            if cls in index.classes:
                holding.setdefault(cls, {}).update(held)
        for cls in index.classes if holding else ():
            attributes: dict[str, str] = {}
            for info in index.mro(cls):
                for attribute, dotted in holding.get(info.name, {}).items():
                    attributes.setdefault(attribute, dotted)  # the first along the MRO
            for dotted in attributes.values():
                if (held_class := index.resolve(dotted)) in index.classes and held_class != cls:
                    edges.setdefault(NEW + cls, set()).add(NEW + held_class)
    if facts.compiles and "generated" not in off:
        top: dict[str, list[str]] = {}
        for name in [*index.targets, *index.classes]:
            module, _, short = name.rpartition(".")
            if module in index.modules:
                top.setdefault(short, []).append(name)
        own: dict[str, dict[str, str]] = {}  # class -> method -> target, its own
        for target in index.targets:
            owner, _, method = target.rpartition(".")
            if owner in index.classes:
                own.setdefault(owner, {})[method] = target
        for caller, bare in facts.literal_calls.items():
            if caller not in index.targets:
                continue
            for short in bare:
                for name in top.get(short, ()):
                    if reach(caller, name) and name in index.classes:
                        _generated_instance(index, own, name, caller, edges)
    for caller, callees in edges.items():
        callees.discard(caller)
    return {caller: callees for caller, callees in edges.items() if callees}


def _generated_instance(
    index: SourceIndex,
    own: Mapping[str, Mapping[str, str]],
    cls: str,
    caller: str,
    edges: dict[str, set[str]],
) -> None:
    """What code generated at run time does with an instance of ``cls`` it constructs
    (jinja2's ``LoopContext(..)``): its public methods are reached by name from the
    template (``{{ loop.first }}``): ``key:NAME`` nodes, followed for tests whose string
    literals hold NAME. (Its dunders too, as the generated code's syntax may run any, was
    measured on jinja2: closure recall +0.003 and function recall +0.012 for precision
    -0.016, every test that compiles a template reaching them; left out.)"""
    table: dict[str, str] = {}
    for info in reversed(list(index.mro(cls))):
        table.update(own.get(info.name, {}))
    for method, target in table.items():
        if not method.startswith("_"):  # dunders and constructors are not named so
            edges.setdefault(KEY + method, set()).add(target)
            edges.setdefault(caller, set()).add(KEY + method)


_WORD = re.compile(r"\w+")


def literal_words(path: Path, rel: str) -> dict[str, frozenset[str]]:
    """Test node id (``rel::Class::test``) -> the words of the string literals that run
    with it, the data a name-keyed registry is looked up with: its own body and
    decorators (parametrize), its classes' bodies outside their methods and the module's
    outside its functions. A file that cannot be read or parsed gives nothing (its tests
    are then not gated)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, OSError, ValueError):
        return {}
    found: dict[str, frozenset[str]] = {}

    def words(nodes: Iterable[ast.AST], skip_defs: bool) -> set[str]:
        result: set[str] = set()
        todo = list(nodes)
        while todo:
            node = todo.pop()
            if skip_defs and isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                result.update(_WORD.findall(node.value))
            todo.extend(ast.iter_child_nodes(node))
        return result

    def walk(body: list[ast.stmt], prefix: str, outer: set[str]) -> None:
        here = outer | words(body, skip_defs=True)
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                found[f"{prefix}::{stmt.name}"] = frozenset(here | words([stmt], False))
            elif isinstance(stmt, ast.ClassDef):
                walk(stmt.body, f"{prefix}::{stmt.name}", here | words(stmt.decorator_list, False))

    walk(tree.body, rel, set())
    return found


def import_constructed(index: SourceIndex, facts: NameFacts) -> frozenset[str]:
    """``new:`` pseudo-targets of the source classes constructed at import time (a
    descriptor in a class body, a module-level instance): every test has them."""
    from pytest_paradisco.discover.references import NEW

    return frozenset(
        NEW + resolved
        for dotted in facts.import_calls
        if (resolved := index.resolve(dotted)) in index.classes
    )
