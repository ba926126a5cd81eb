# Sourced by scripts/demo and scripts/test: make sure .venv exists and holds the
# package (editable) with its test and lint extras, reinstalling when pyproject.toml
# changed since the last install. Needs only python3 (3.10+) and the package index.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PARADISCO_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
STAMP="$VENV/.paradisco-installed"
want="$(cat "$ROOT/pyproject.toml" "$ROOT/scripts/_env.sh" | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ ! -x "$PY" ]; then
    echo "scripts: creating $VENV" >&2
    python3 -m venv "$VENV"
fi
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]; then
    echo "scripts: installing pytest-paradisco[test,lint] into $VENV" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test,lint]"
    # pytest-shard also registers --shard-id; it is kept outside the venv's
    # site-packages and put on PYTHONPATH only by the test that checks the clash.
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
        --target "$VENV/extra/pytest-shard" "pytest-shard==0.1.2"
    echo "$want" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
