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
    """Count the tests a module will yield, read by ``ast``: test functions and the test
    methods of ``Test*`` classes, each times its literal ``parametrize`` cases.

    Raises SyntaxError (or ValueError) when the source does not parse.
    """
    tree = ast.parse(source)
    count = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            count += _cases(node.decorator_list)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            per_class = _cases(node.decorator_list)
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    count += per_class * _cases(item.decorator_list)
    return count


def _cases(decorators: list[ast.expr]) -> int:
    """The product of the literal ``parametrize`` lengths (1 for anything not literal)."""
    product = 1
    for decorator in decorators:
        if not isinstance(decorator, ast.Call):
            continue
        func = decorator.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name != "parametrize" or len(decorator.args) < 2:
            continue
        values = decorator.args[1]
        if isinstance(values, ast.List | ast.Tuple | ast.Set):
            product *= max(1, len(values.elts))
    return product


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
