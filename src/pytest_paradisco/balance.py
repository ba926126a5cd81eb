"""Balanced shards of whole files: weights, and a packing every shard computes alike.

Nothing here imports pytest. Every shard runs :func:`balanced_assignment` on the same
inputs (the suite's test files and their weights) and gets the same answer, without
talking to the others: the result depends only on the set of ``(path, weight)`` pairs,
never on their order, the machine or the absolute path. Weights are integers so that no
floating-point summation order can tip a decision differently on two machines.

The packing starts from the stable ``md5-v1`` assignment and moves files out of shards
over capacity, in an order fixed by hashes, to the first shard (by rendezvous hash) with
room. Adding a file changes one shard's load, so few other files move.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pytest_paradisco.shard import shard_of

#: The name of the balanced rule, shown in the header and the plan.
BALANCED_SCHEME = "balanced-v1"

#: Shards may carry up to this much more than the mean, in percent, before files move.
#: 8% keeps max/mean <= 1.08 wherever the largest file allows it while moving, in
#: simulations and on real suites, fewer than one other file per added file at N=4.
SLACK_PERCENT = 8


def _h(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest(), 16)


def balanced_assignment(
    weights: Mapping[str, int], total: int, slack_percent: int = SLACK_PERCENT
) -> dict[str, int]:
    """Assign every key of ``weights`` to a shard in ``0..total-1``, loads near-equal."""
    if total < 1:
        raise ValueError(f"total must be at least 1, got {total}")
    keys = sorted(weights)
    assignment = {key: shard_of(key, total) for key in keys}
    if total == 1 or not keys:
        return assignment
    weight = {key: max(0, int(weights[key])) for key in keys}
    whole = sum(weight.values())
    largest = max(weight.values())
    load = [0] * total
    for key in keys:
        load[assignment[key]] += weight[key]

    def fits(amount: int) -> bool:
        # amount <= max(largest, (100 + slack)% of the mean), in integers
        return amount <= largest or 100 * total * amount <= (100 + slack_percent) * whole

    members: list[list[str]] = [[] for _ in range(total)]
    for key in keys:
        members[assignment[key]].append(key)
    for source in range(total):
        if fits(load[source]):
            continue
        # Which files leave is fixed by a hash of the path alone, so it does not depend
        # on which other files share the shard.
        for key in sorted(members[source], key=lambda k: (_h(k + "\0evict"), k)):
            if fits(load[source]):
                break
            destinations = sorted(
                (s for s in range(total) if s != source), key=lambda s: (_h(f"{key}\0{s}"), s)
            )
            for dest in destinations:
                if fits(load[dest] + weight[key]):
                    assignment[key] = dest
                    load[dest] += weight[key]
                    load[source] -= weight[key]
                    members[dest].append(key)
                    break
        members[source] = [k for k in members[source] if assignment[k] == source]
    _even_out(assignment, members, weight, load, fits)
    return assignment


def _even_out(
    assignment: dict[str, int],
    members: list[list[str]],
    weight: Mapping[str, int],
    load: list[int],
    fits: Callable[[int], bool],
) -> None:
    """Where no shard had room (few, coarse files), move a file from the heaviest shard
    to the lightest while that lowers the heaviest load. The sum of squared loads falls
    with every move, so this ends."""
    total = len(load)
    while True:
        heavy = max(range(total), key=lambda s: (load[s], -s))
        light = min(range(total), key=lambda s: (load[s], s))
        if fits(load[heavy]):
            return
        movable = [k for k in members[heavy] if load[light] + weight[k] < load[heavy]]
        movable = [k for k in movable if weight[k] > 0]
        if not movable:
            return
        key = min(movable, key=lambda k: (_h(k + "\0evict"), k))
        assignment[key] = light
        load[heavy] -= weight[key]
        load[light] += weight[key]
        members[heavy].remove(key)
        members[light].append(key)


def loads(assignment: Mapping[str, int], weights: Mapping[str, int], total: int) -> list[int]:
    """The summed weight of each shard."""
    result = [0] * total
    for key, shard in assignment.items():
        result[shard] += int(weights.get(key, 0))
    return result


def best_possible_ratio(weights: Iterable[int], total: int) -> float:
    """The lower bound on max/mean that the largest single file imposes."""
    values = [int(w) for w in weights]
    whole = sum(values)
    if not values or whole == 0:
        return 1.0
    return max(1.0, max(values) / (whole / total))


# -- estimating a file's weight without importing it


def estimate_tests(source: str) -> int:
    """Count the tests a module will yield, read by ``ast``: test functions, and the test
    methods of test classes (``Test*``, or ``unittest.TestCase`` subclasses) including
    those inherited from classes of the same module; each times its ``parametrize`` cases
    and the ``params`` of the module's fixtures it takes, where their number can be read
    without running code (literals, module-level names bound to them, comprehensions,
    ``itertools.product``/``chain``, ``range``; 1 where it cannot).

    Raises SyntaxError (or ValueError) when the source does not parse.
    """
    tree = ast.parse(source)
    names = _bindings(tree.body)
    fixtures = _fixture_params(tree.body, names)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    count = 0
    for node in tree.body:
        if _is_test_function(node):
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            count += _cases(node, names, fixtures)
        elif isinstance(node, ast.ClassDef) and _is_test_class(node, classes):
            scope = {**names, **_bindings(node.body)}
            per_class = _cases(node, scope, {})
            for method in _test_methods(node, classes, set()):
                count += per_class * _cases(method, scope, fixtures)
    return count


def _is_test_function(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")


def _base_name(base: ast.expr) -> str:
    if isinstance(base, ast.Attribute):
        return base.attr
    return base.id if isinstance(base, ast.Name) else ""


def _is_test_class(node: ast.ClassDef, classes: Mapping[str, ast.ClassDef]) -> bool:
    if node.name.startswith("Test"):
        return True
    seen: set[str] = set()
    todo = [_base_name(b) for b in node.bases]
    while todo:
        name = todo.pop()
        if name.endswith("TestCase"):
            return True
        if name in classes and name not in seen:
            seen.add(name)
            todo.extend(_base_name(b) for b in classes[name].bases)
    return False


def _test_methods(
    node: ast.ClassDef, classes: Mapping[str, ast.ClassDef], seen: set[str]
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The class's test methods, its own first, then those of same-module bases."""
    seen.add(node.name)
    methods = {
        m.name: m
        for m in node.body
        if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) and m.name.startswith("test")
    }
    for base in node.bases:
        name = _base_name(base)
        if name in classes and name not in seen:
            for method in _test_methods(classes[name], classes, seen):
                methods.setdefault(method.name, method)
    return list(methods.values())


def _fixture_params(body: list[ast.stmt], names: Mapping[str, ast.expr]) -> dict[str, int]:
    """Module-level fixtures declared with a readable ``params=``: name -> cases."""
    found: dict[str, int] = {}
    for node in body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or _call_name(decorator) != "fixture":
                continue
            fixture_name = node.name
            size = None
            for keyword in decorator.keywords:
                if keyword.arg == "params":
                    size = _size(keyword.value, names, 0)
                elif keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    fixture_name = str(keyword.value.value)
            if size:
                found[fixture_name] = size
    return found


def _bindings(body: list[ast.stmt]) -> dict[str, ast.expr]:
    """Names bound once by a plain assignment in a module or class body."""
    names: dict[str, ast.expr] = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                names[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            names[node.target.id] = node.value
    return names


def _cases(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
    names: Mapping[str, ast.expr],
    fixtures: Mapping[str, int],
) -> int:
    """The product of the ``parametrize`` case counts and of the parametrized fixtures the
    function takes (1 for a count that cannot be read)."""
    product = 1
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Call) or _call_name(decorator) != "parametrize":
            continue
        values = decorator.args[1] if len(decorator.args) >= 2 else None
        for keyword in decorator.keywords:
            if keyword.arg == "argvalues":
                values = keyword.value
        if values is not None:
            product *= max(1, _size(values, names, 0) or 1)
    if fixtures and not isinstance(node, ast.ClassDef):
        for arg in node.args.args:
            product *= fixtures.get(arg.arg, 1)
    return product


_PASS_THROUGH = frozenset({"list", "tuple", "set", "sorted", "reversed", "enumerate", "iter"})


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _size(node: ast.expr, names: Mapping[str, ast.expr], depth: int) -> int | None:
    """How many items iterating ``node`` yields, when that can be read statically."""
    if depth > 20:
        return None
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        total = 0
        for elt in node.elts:
            if isinstance(elt, ast.Starred):
                inner = _size(elt.value, names, depth + 1)
                if inner is None:
                    return None
                total += inner
            else:
                total += 1
        return total
    if isinstance(node, ast.Dict):
        return len(node.keys)
    if isinstance(node, ast.Name):
        bound = names.get(node.id)
        return None if bound is None else _size(bound, names, depth + 1)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        return _size(node.value, names, depth + 1)  # an upper bound
    if isinstance(node, ast.BinOp):
        left, right = _size(node.left, names, depth + 1), _size(node.right, names, depth + 1)
        if isinstance(node.op, ast.Add) and left is not None and right is not None:
            return left + right
        if isinstance(node.op, ast.Mult):
            for seq, factor in ((left, node.right), (right, node.left)):
                constant = factor.value if isinstance(factor, ast.Constant) else None
                if seq is not None and isinstance(constant, int):
                    return seq * constant
        return None
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
        product = 1
        for generator in node.generators:
            inner = _size(generator.iter, names, depth + 1)
            if inner is None:
                return None
            product *= inner
        return product
    if isinstance(node, ast.Call):
        name = _call_name(node)
        args = [_size(arg, names, depth + 1) for arg in node.args]
        if name in _PASS_THROUGH and len(args) == 1:
            return args[0]
        if name == "range":
            bounds = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            ints = [b for b in bounds if isinstance(b, int) and not isinstance(b, bool)]
            if not ints or len(ints) != len(bounds) or len(ints) > 3:
                return None
            start, stop = (0, ints[0]) if len(ints) == 1 else (ints[0], ints[1])
            step = ints[2] if len(ints) == 3 else 1
            return len(range(start, stop, step)) if step else None
        if None in args or not args:
            return None
        sizes = [a for a in args if a is not None]
        if name == "product":
            repeat = 1
            for keyword in node.keywords:
                value = keyword.value.value if isinstance(keyword.value, ast.Constant) else None
                if keyword.arg == "repeat" and isinstance(value, int):
                    repeat = value
            result = 1
            for size in sizes:
                result *= size
            return int(result**repeat)
        if name == "zip":
            return min(sizes)
        if name == "chain":
            return sum(sizes)
        if name == "from_iterable" and len(node.args) == 1:
            return _flat_size(node.args[0], names, depth + 1)
    return None


def _flat_size(node: ast.expr, names: Mapping[str, ast.expr], depth: int) -> int | None:
    """How many items ``itertools.chain.from_iterable(node)`` yields."""
    if depth > 20:
        return None
    if isinstance(node, ast.List | ast.Tuple):
        total = 0
        for elt in node.elts:
            inner = _size(elt, names, depth + 1)
            if inner is None:
                return None
            total += inner
        return total
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = (
            _flat_size(node.left, names, depth + 1),
            _flat_size(node.right, names, depth + 1),
        )
        return None if left is None or right is None else left + right
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        outer = _size(node, names, depth + 1)
        inner = _size(node.elt, names, depth + 1)
        return None if outer is None or inner is None else outer * inner
    if isinstance(node, ast.Name):
        bound = names.get(node.id)
        return None if bound is None else _flat_size(bound, names, depth + 1)
    return None


@dataclass(frozen=True)
class Weights:
    """Every test file's weight and where the weights came from."""

    values: dict[str, int]
    source: str  # "durations", "estimate" or "size"
    detail: str  # for the header, e.g. "durations from .paradisco-durations.json (40 of 42 files)"


def estimate_weights(sources: Mapping[str, bytes]) -> Weights:
    """Weights from the files' contents: estimated test counts, or sizes for files that do
    not parse (their tests still run: they only weigh by size)."""
    values: dict[str, int] = {}
    unparsable = 0
    for key, data in sources.items():
        try:
            values[key] = max(1, estimate_tests(data.decode("utf-8", errors="replace")))
        except (SyntaxError, ValueError):
            unparsable += 1
            values[key] = max(1, len(data) // 200)
    if values and unparsable == len(values):
        return Weights(values, "size", f"file sizes ({len(values)} files)")
    detail = f"ast estimate of tests per file ({len(values)} files"
    detail += f", {unparsable} by size)" if unparsable else ")"
    return Weights(values, "estimate", detail)


def weights_from_durations(
    durations: Mapping[str, float], estimate: Weights, origin: str
) -> Weights:
    """Recorded seconds per file, in milliseconds; files never recorded (new files) get
    the estimate scaled by the median recorded milliseconds per estimated test."""
    known = [k for k in estimate.values if k in durations]
    if not known:
        return estimate
    per_test = sorted(
        max(1, round(durations[k] * 1000)) / max(1, estimate.values[k]) for k in known
    )
    median = per_test[len(per_test) // 2]
    values = {
        key: max(1, round(durations[key] * 1000))
        if key in durations
        else max(1, round(guess * median))
        for key, guess in estimate.values.items()
    }
    detail = f"durations from {origin} ({len(known)} of {len(values)} files recorded)"
    return Weights(values, "durations", detail)
