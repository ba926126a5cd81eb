"""gitdiff over real repositories made in tmp_path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_paradisco.gitdiff import GitError, diff


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    (root / "src").mkdir()
    (root / "src" / "mod.py").write_text("".join(f"line{i}\n" for i in range(1, 21)))
    (root / "src" / "gone.py").write_text("x = 1\n")
    (root / "src" / "old_name.py").write_text("".join(f"y{i} = {i}\n" for i in range(10)))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    return root


def test_no_change(repo: Path) -> None:
    result = diff(repo)
    assert result.changes == ()
    assert result.described == "HEAD (no upstream branch)"


def test_modified_staged_unstaged_deleted_renamed_untracked(repo: Path) -> None:
    lines = (repo / "src" / "mod.py").read_text().splitlines()
    lines[4] = "changed5"  # line 5
    del lines[14]  # old line 15 deleted
    (repo / "src" / "mod.py").write_text("\n".join(lines) + "\n")
    (repo / "src" / "gone.py").unlink()
    git(repo, "mv", "src/old_name.py", "src/new_name.py")
    (repo / "src" / "staged.py").write_text("z = 1\n")
    git(repo, "add", "src/staged.py")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_new.py").write_text("def test_x(): pass\n")
    changes = {c.path: c for c in diff(repo).changes}
    assert set(changes) == {
        "src/mod.py",
        "src/gone.py",
        "src/new_name.py",
        "src/staged.py",
        "tests/test_new.py",
    }
    mod = changes["src/mod.py"]
    assert mod.status == "M"
    assert 5 in mod.lines
    assert {14, 15} <= mod.lines  # around the deletion, in new numbering
    assert {5, 15} <= mod.old_lines
    assert changes["src/gone.py"].status == "D"
    assert changes["src/gone.py"].old_lines == {1}
    assert changes["src/new_name.py"].status == "R"
    assert changes["src/new_name.py"].old_path == "src/old_name.py"
    assert changes["src/staged.py"].status == "A"
    assert changes["tests/test_new.py"].status == "A"


def test_explicit_revision_and_upstream_merge_base(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "src" / "mod.py").write_text("new\n")
    git(repo, "commit", "-qam", "two")
    assert diff(repo, "HEAD~1").base == first
    assert {c.path for c in diff(repo, "HEAD~1").changes} == {"src/mod.py"}
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "config", "user.email", "t@example.invalid")
    git(clone, "config", "user.name", "t")
    (clone / "feature.py").write_text("f = 1\n")
    git(clone, "add", "feature.py")
    git(clone, "commit", "-qm", "feature")
    result = diff(clone)
    assert result.described == "merge-base with origin/main"
    assert result.base == git(repo, "rev-parse", "HEAD")
    assert [c.path for c in result.changes] == ["feature.py"]


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="is not inside a git repository"):
        diff(tmp_path)


def test_bad_revision(repo: Path) -> None:
    with pytest.raises(GitError, match=r"unknown revision 'nope'.*`git log` lists them"):
        diff(repo, "nope")


def test_shallow_clone_without_the_base(repo: Path, tmp_path: Path) -> None:
    for i in range(3):
        (repo / "src" / "mod.py").write_text(f"v{i}\n")
        git(repo, "commit", "-qam", f"c{i}")
    old = git(repo, "rev-parse", "HEAD~3")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{repo}", str(shallow))
    with pytest.raises(GitError, match=r"shallow clone.*fetch-depth: 0"):
        diff(shallow, old)
