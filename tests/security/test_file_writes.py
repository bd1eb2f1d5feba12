"""Issue 15, items 3, 4 (writes), 6 and 18: a cloned repository's planted symbolic links
must never turn tokenward into a file-overwrite or file-deletion primitive.

Each test performs the attack for real, through the real command line, in a git
repository beside a ``victim`` folder, and asserts that the victim is byte-identical
afterwards, with the exact refusal and exit code where tokenward has to refuse.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
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
    assert baseline.read_text().startswith('{"tokenward_baseline": 2')


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


# -- items 4 and 6: where fix --write puts secrets ----------------------------------------


def _app_with_token(scene: Scene, name: str = "app.py") -> tuple[Path, bytes]:
    app = scene.repo / name
    app.write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    return app, app.read_bytes()


def _not_fixed(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Not fixed"))
    return [line.strip() for line in lines[start + 1:] if line.startswith("  ")]


def test_fix_refuses_a_symlinked_env(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    app, source = _app_with_token(scene)
    readme = scene.repo / "docs" / "README.md"
    readme.parent.mkdir()
    readme.write_text("# Docs\n")
    scene.plant(".env", "docs/README.md")
    done = tokenward(scene.repo, "fix", "--write")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        "app.py  left untouched: .env is a symbolic link: tokenward does not write through "
        "links; make it a regular file or use --to store"]
    assert readme.read_text() == "# Docs\n"
    assert app.read_bytes() == source


def test_fix_refuses_a_tracked_env(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    app, source = _app_with_token(scene)
    (scene.repo / ".gitignore").write_text(".env\n")
    (scene.repo / ".env").write_text("DEBUG=1\n")
    git(scene.repo, "add", "-f", ".env", ".gitignore")
    git(scene.repo, "commit", "-q", "-m", "oops")
    done = tokenward(scene.repo, "fix", "--write")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        "app.py  left untouched: .env is tracked by git, so a secret written there would be "
        "committed: untrack it (git rm --cached .env) or use --to store"]
    assert (scene.repo / ".env").read_text() == "DEBUG=1\n"
    assert app.read_bytes() == source


@pytest.mark.parametrize("name", [".env.example", ".gitignore"])
def test_fix_refuses_a_symlinked_example_or_gitignore(tmp_path: Path, name: str) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    app, source = _app_with_token(scene)
    scene.plant(name, "../victim/bashrc")
    done = tokenward(scene.repo, "fix", "--write")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        f"app.py  left untouched: {name} is a symbolic link: tokenward does not write "
        "through links; make it a regular file or use --to store"]
    assert victim.read_bytes() == before
    assert app.read_bytes() == source
    assert not (scene.repo / ".env").exists()


def test_fix_never_writes_env_outside_the_repository(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / ".tokenward.toml").write_text("[tool.tokenward]\n")
    app, source = _app_with_token(scene)
    done = tokenward(scene.repo, "fix", "--write", "--config", "../shared/.tokenward.toml")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        f"app.py  left untouched: .env would be written to {shared.resolve()}, outside the "
        f"repository {scene.repo.resolve()}; tokenward writes secrets only inside it "
        "(use --to store)"]
    assert sorted(p.name for p in shared.iterdir()) == [".tokenward.toml"]
    assert app.read_bytes() == source


def test_fix_never_writes_env_outside_the_current_folder_without_git(tmp_path: Path) -> None:
    project = tmp_path / "work" / "project"
    project.mkdir(parents=True)
    (tmp_path / "work" / ".tokenward.toml").write_text("[tool.tokenward]\n")
    app = project / "app.py"
    app.write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    source = app.read_bytes()
    done = tokenward(project, "fix", "--write", "--config", "../.tokenward.toml")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        f"app.py  left untouched: .env would be written to {(tmp_path / 'work').resolve()}, "
        f"outside the current folder {project.resolve()}; tokenward writes secrets only "
        "inside it (use --to store)"]
    assert not (tmp_path / "work" / ".env").exists()
    assert app.read_bytes() == source


def test_fix_never_writes_env_outside_the_repository_it_fixes(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    app, source = _app_with_token(scene)
    done = tokenward(tmp_path, "fix", "--write", "repo")
    assert done.returncode == 1
    assert _not_fixed(done.stdout) == [
        f"repo/app.py  left untouched: .env would be written to {tmp_path.resolve()}, outside "
        f"the repository {scene.repo.resolve()}; tokenward writes secrets only inside it "
        "(use --to store)"]
    assert not (tmp_path / ".env").exists()
    assert app.read_bytes() == source


def test_fix_writes_env_beside_the_settings_of_a_project_without_git(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.tokenward]\n")
    app = tmp_path / "src" / "app.py"
    app.write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    done = tokenward(tmp_path, "fix", "--write", "src")
    assert done.returncode == 0, done.stdout
    assert 'os.environ["GITHUB_TOKEN"]' in app.read_text()
    assert "GITHUB_TOKEN=ghp_" in (tmp_path / ".env").read_text()


# -- item 18: symlinked sources, stale temporaries ----------------------------------------


def test_fix_refuses_a_symlinked_source(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    real = scene.victim / "real.py"
    real.write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    source = real.read_bytes()
    link = scene.plant("link.py", "../victim/real.py")
    done = tokenward(scene.repo, "fix", "--write", "link.py")
    assert done.returncode == 1
    assert "link.py  not fixed: it is a symbolic link; fix the file it points to" in (
        line.strip() for line in done.stdout.splitlines())
    assert link.is_symlink()
    assert real.read_bytes() == source
    assert not (scene.repo / ".env").exists()


def test_fix_cleans_only_its_own_stale_temporaries(tmp_path: Path) -> None:
    scene = make_scene(tmp_path)
    victim = scene.victim_file("bashrc")
    before = victim.read_bytes()
    app, _ = _app_with_token(scene)
    an_hour_ago = time.time() - 3600
    killed = scene.repo / ".app.py.k1ll3d_x.tokenward"  # what a SIGKILL mid-write leaves
    killed.write_text("half a file")
    os.utime(killed, (an_hour_ago, an_hour_ago))
    planted = scene.plant(".app.py.l1nk3d_y.tokenward", "../victim/bashrc")
    foreign = scene.repo / ".app.py.notours.tmp"
    foreign.write_text("someone else's")
    os.utime(foreign, (an_hour_ago, an_hour_ago))
    in_the_future = scene.repo / ".app.py.n3w3r_zz.tokenward"  # not older than this run
    in_the_future.write_text("another writer's")
    os.utime(in_the_future, (time.time() + 3600, time.time() + 3600))
    done = tokenward(scene.repo, "fix", "--write")
    assert done.returncode == 0, done.stdout
    assert not killed.exists()
    assert planted.is_symlink() and victim.read_bytes() == before
    assert foreign.read_text() == "someone else's"
    assert in_the_future.read_text() == "another writer's"
    assert 'os.environ["GITHUB_TOKEN"]' in app.read_text()
