"""Issue 15, items 3, 4 (writes), 6 and 18: a cloned repository's planted symbolic links
must never turn tokenward into a file-overwrite or file-deletion primitive.

Each test performs the attack for real, through the real command line, in a git
repository beside a ``victim`` folder, and asserts that the victim is byte-identical
afterwards, with the exact refusal and exit code where tokenward has to refuse.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.security.fs_support import Scene, fake_github_token, git, make_scene, tokenward

# -- item 3: predictable temporaries ------------------------------------------------------


@pytest.mark.parametrize(("planted", "existing"), [
    (".pyproject.toml.tmp", "pyproject.toml"),
    ("..pre-commit-config.yaml.tmp", None),
    ("..tokenward.toml.tmp", None),
])
def test_init_never_writes_through_a_planted_temporary(tmp_path: Path, planted: str,
                                                       existing: str | None) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    if existing:
        (scene.repo / existing).write_text('[project]\nname = "x"\n')
    scene.plant(planted, "../victim/bashrc")
    done = tokenward(scene.repo, "init")
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == before
    assert (scene.repo / planted).is_symlink()  # left alone, never followed or renamed
    for name in (".pre-commit-config.yaml", existing or ".tokenward.toml"):
        written = scene.repo / name
        assert written.is_file() and not written.is_symlink()
    settings = (scene.repo / (existing or ".tokenward.toml")).read_text()
    assert "[tool.tokenward]" in settings


def test_init_never_breaks_the_repository_through_a_planted_temporary(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    config = scene.repo / ".git" / "config"
    before = config.read_bytes()
    scene.plant("..pre-commit-config.yaml.tmp", ".git/config")
    assert tokenward(scene.repo, "init").returncode == 0
    assert config.read_bytes() == before
    assert git(scene.repo, "status", "--porcelain") != ""  # git still reads its config


def test_init_refuses_to_replace_a_symlinked_settings_file(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("pyproject.toml", '[project]\nname = "victim"\n')
    before = victim.read_bytes()
    scene.plant("pyproject.toml", "../victim/pyproject.toml")
    done = tokenward(scene.repo, "init")
    assert (done.returncode, done.stderr) == (
        2, "tokenward: error: cannot write pyproject.toml: it is a symbolic link "
           "(tokenward never writes through one)\n")
    assert victim.read_bytes() == before
    assert (scene.repo / "pyproject.toml").is_symlink()


def test_baseline_create_never_writes_through_a_planted_temporary(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    scene.plant("..tokenward-baseline.json.tmp", "../victim/bashrc")
    (scene.repo / "app.py").write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    done = tokenward(scene.repo, "baseline", "create")
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == before
    baseline = scene.repo / ".tokenward-baseline.json"
    assert not baseline.is_symlink()
    assert baseline.read_text().startswith('{"tokenward_baseline": 1')


def test_baseline_create_never_appends_through_a_symlinked_gitattributes(
        tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    scene.plant(".gitattributes", "../victim/bashrc")
    done = tokenward(scene.repo, "baseline", "create")
    assert (done.returncode, done.stderr) == (
        2, f"tokenward: error: cannot write {scene.repo / '.gitattributes'}: it is a symbolic "
           "link (tokenward never writes through one)\n")
    assert victim.read_bytes() == before


def test_scan_output_never_writes_through_a_planted_temporary(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    scene.plant(".report.json.tmp", "../victim/bashrc")
    (scene.repo / "app.py").write_text("x = 1\n")
    done = tokenward(scene.repo, "scan", ".", "-f", "json", "-o", "report.json", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == before
    report = scene.repo / "report.json"
    assert not report.is_symlink()
    assert json.loads(report.read_text())["findings"] == []


def test_scan_output_refuses_a_symlinked_output_file(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    scene.plant("report.sarif", "../victim/bashrc")
    done = tokenward(scene.repo, "scan", "--no-cache", "-f", "sarif", "-o", "report.sarif")
    assert (done.returncode, done.stderr) == (
        2, "tokenward: error: cannot write report.sarif: it is a symbolic link "
           "(tokenward never writes through one)\n")
    assert victim.read_bytes() == before


def test_merge_output_never_writes_through_a_planted_temporary(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    (scene.repo / "app.py").write_text("x = 1\n")
    assert tokenward(scene.repo, "scan", "-f", "json", "-o", "s1.json",
                     "--no-cache").returncode == 0
    scene.plant(".merged.sarif.tmp", "../victim/bashrc")
    done = tokenward(scene.repo, "merge", "s1.json", "-f", "sarif", "-o", "merged.sarif")
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == before
    assert json.loads((scene.repo / "merged.sarif").read_text())["version"] == "2.1.0"


# -- item 3: train --out ------------------------------------------------------------------


def _train(scene: Scene, *extra: str) -> tuple[int, str]:
    (scene.repo / "src").mkdir(exist_ok=True)
    done = tokenward(scene.repo, "train", "src", "--out", "training", *extra)
    return done.returncode, done.stderr


def _add_to_marker(out: Path, path: str, data: bytes) -> None:
    """What an attacker commits: the marker lists a file "tokenward wrote" at ``path``."""
    marker = out / ".tokenward-training.json"
    record = json.loads(marker.read_text())
    record["files"].append({"path": path, "sha256": hashlib.sha256(data).hexdigest()})
    marker.write_text(json.dumps(record))


def test_train_never_writes_through_a_planted_temporary(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    assert _train(scene) == (0, "")
    scene.plant("training/.index.md.tmp", "../../victim/bashrc")
    scene.plant("training/site/.index.html.tmp", "../../../victim/bashrc")
    assert _train(scene) == (0, "")
    assert victim.read_bytes() == before
    assert (scene.repo / "training" / "index.md").read_text().startswith("#")


def test_train_refuses_a_symlink_where_it_writes_a_file(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    assert _train(scene) == (0, "")
    (scene.repo / "training" / "index.md").unlink()
    scene.plant("training/index.md", "../../victim/bashrc")
    assert _train(scene) == (
        2, "tokenward: error: training/index.md: it is a symbolic link (tokenward never "
           "writes through one); nothing was written\n")
    assert victim.read_bytes() == before


def test_train_never_deletes_through_a_symlinked_folder(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    notes = scene.victim_file("keep/notes.txt", "the victim's notes\n")
    assert _train(scene) == (0, "")
    out = scene.repo / "training"
    scene.plant("training/old", "../../victim/keep")
    _add_to_marker(out, "old/notes.txt", notes.read_bytes())
    index_before = (out / "index.md").read_bytes()
    (scene.repo / "src" / "app.py").write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    assert _train(scene) == (
        2, "tokenward: error: training/old/notes.txt: it is outside training (through a "
           "symbolic link); nothing was written\n")
    assert notes.read_text() == "the victim's notes\n"
    assert (out / "index.md").read_bytes() == index_before  # refused before writing anything


def test_train_never_writes_into_a_symlinked_folder(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    (scene.victim / "lessons").mkdir()
    scene.plant("training/lessons", "../../victim/lessons")
    (scene.repo / "training" / ".tokenward-training.json").write_text(
        json.dumps({"format": "tokenward-training-2", "files": []}))
    code, err = _train(scene)
    assert code == 2
    assert err.startswith("tokenward: error: training/lessons/")
    assert err.endswith(": it is outside training (through a symbolic link); nothing was "
                        "written\n")
    assert list((scene.victim / "lessons").iterdir()) == []


def test_train_removes_a_stale_symlink_as_a_link(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    keep = scene.victim_file("keep.txt", "keep\n")
    assert _train(scene) == (0, "")
    out = scene.repo / "training"
    link = scene.plant("training/lessons/99-gone.md", "../../../victim/keep.txt")
    _add_to_marker(out, "lessons/99-gone.md", keep.read_bytes())
    assert _train(scene) == (0, "")
    assert not link.is_symlink() and not link.exists()
    assert keep.read_text() == "keep\n"
