"""How cold mapping scales with --paradisco-workers, on a machine with many cores.

Runs ``pytest --co -q --paradisco-map --paradisco-workers=N`` from a cold start (no
``.pytest_cache``: no cached results, no Jedi parse caches) for each N, checks that every
N gives the same map as N=0, and prints a Markdown table (mapping time from the map's own
``stats``, wall time of the pytest process, speed-up against N=0).

Locally (downloads the pinned sdist like bench_shard.py)::

    .venv/bin/python benchmarks/bench_map_scaling.py --suite boltons --workers 0 1 2

On a lent 16-core machine with no network, the command carries the sdist and the wheels
and runs (see the "Mapping scaling" section of RESULTS.md for the exact command)::

    python3 benchmarks/bench_map_scaling.py --project DIR --workers 0 1 2 4 8 16 -- ARGS
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(project: Path, args: list[str], workers: int, out: Path) -> dict[str, object]:
    shutil.rmtree(project / ".pytest_cache", ignore_errors=True)
    map_file = out / f"map-{workers}.json"
    cmd = [
        sys.executable, "-m", "pytest", "--co", "-q", *args, "--paradisco-map",
        f"--paradisco-workers={workers}", f"--paradisco-map-file={map_file}",
    ]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 5) or not map_file.exists():
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"exit {proc.returncode} for workers={workers}")
    data = json.loads(map_file.read_text())
    stats = data["stats"]
    return {
        "workers": workers,
        "wall": wall,
        "mapping": stats["seconds"]["total"],
        "references": stats["seconds"]["references"],
        "files": stats.get("analysed", 0) + stats.get("source_analysed", 0),
        "errors": len(data.get("errors", [])),
        "functions": {
            k: (sorted(v["tests"]), sorted(v["direct"])) for k, v in data["functions"].items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="an unpacked project to map")
    parser.add_argument("--suite", help="a suite of bench_shard.py to fetch and map instead")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2, 4, 8, 16])
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "/tmp")))
    parser.add_argument("args", nargs="*", help="pytest arguments (after --)")
    ns = parser.parse_args()
    args = list(ns.args)
    if ns.suite:
        sys.path.insert(0, str(HERE))
        import bench_shard as bs

        suite = next(s for s in bs.SUITES if s.name == ns.suite)
        project = bs.fetch(suite)
        args = [*suite.args, *args]
    else:
        project = ns.project
    ns.out.mkdir(parents=True, exist_ok=True)
    rows = [run(project, args, n, ns.out) for n in ns.workers]
    base = rows[0]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; project {project.name}; "
        f"{base['files']} files analysed, {len(base['functions'])} functions"  # type: ignore[arg-type]
    )
    print("| workers | mapping (s) | pytest wall (s) | speed-up vs workers=0 | same map | errors |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        same = row["functions"] == base["functions"]
        speedup = float(base["mapping"]) / float(row["mapping"])  # type: ignore[arg-type]
        print(
            f"| {row['workers']} | {float(row['mapping']):.2f} | {float(row['wall']):.2f} | "  # type: ignore[arg-type]
            f"{speedup:.2f}x | {'yes' if same else 'NO'} | {row['errors']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
