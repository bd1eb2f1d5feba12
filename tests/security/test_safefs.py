"""tokenward.safefs, the one writer and deleter: every planted link is refused or never
opened, permissions are kept, an edited file is left alone, stale temporaries go."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tokenward import safefs

VICTIM = b"# the victim's file: keep me\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim"
    path.write_bytes(VICTIM)
    return path


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _predictable(monkeypatch: pytest.MonkeyPatch, names: list[str]) -> None:
    """Make the temporary names predictable, as if an attacker had guessed them."""
    queue: Iterator[str] = iter(names)
    monkeypatch.setattr(safefs, "_temporary_name", lambda path: path.with_name(next(queue)))


def test_a_link_planted_at_the_temporary_name_is_never_opened(
        tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    guessed, dangling = ".out.json.guessed.tokenward", ".out.json.dangles.tokenward"
    (folder / guessed).symlink_to(victim)
    (folder / dangling).symlink_to(tmp_path / "would-be-created")
    _predictable(monkeypatch, [guessed, dangling, ".out.json.free.tokenward"])
    safefs.atomic_write(folder / "out.json", b"{}\n")
    assert victim.read_bytes() == VICTIM
    assert not (tmp_path / "would-be-created").exists()
    assert (folder / "out.json").read_bytes() == b"{}\n"
    assert _names(folder) == [dangling, guessed, "out.json"]  # the links are left as they were


def test_the_temporary_is_new_even_where_the_old_predictable_name_is_planted(
        tmp_path: Path, victim: Path) -> None:
    (tmp_path / ".out.json.tmp").symlink_to(victim)
    safefs.atomic_write(tmp_path / "out.json", b"{}\n")
    assert victim.read_bytes() == VICTIM
    assert (tmp_path / "out.json").read_bytes() == b"{}\n"


def test_a_symlinked_target_is_refused(tmp_path: Path, victim: Path) -> None:
    link = tmp_path / "pyproject.toml"
    link.symlink_to(victim)
    with pytest.raises(safefs.SymlinkRefused) as caught:
        safefs.atomic_write(link, b"[tool.tokenward]\n")
    assert str(caught.value) == (f"{link}: it is a symbolic link "
                                 "(tokenward never writes through one)")
    assert caught.value.strerror == "it is a symbolic link (tokenward never writes through one)"
    assert link.is_symlink() and victim.read_bytes() == VICTIM
    assert _names(tmp_path) == ["pyproject.toml", "victim"]


def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(safefs.UnsafePathError, match="it is not a regular file"):
        safefs.atomic_write(tmp_path / "out", b"x")


def test_the_current_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "tool.py"
    target.write_bytes(b"x = 1\n")
    os.chmod(target, 0o751)
    safefs.atomic_write(target, b"x = 2\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert target.read_bytes() == b"x = 2\n"


def test_a_given_mode_wins(tmp_path: Path) -> None:
    target = tmp_path / "vault.json"
    target.write_bytes(b"{}")
    os.chmod(target, 0o644)
    safefs.atomic_write(target, b"{}", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_gets_the_umask_default(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        safefs.atomic_write(tmp_path / "report.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o640


def test_expected_content_mismatch_leaves_the_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "tool.py"
    target.write_bytes(b"x = 3\n")
    with pytest.raises(safefs.FileChanged):
        safefs.atomic_write(target, b"x = 2\n", expected=b"x = 1\n")
    assert target.read_bytes() == b"x = 3\n"
    assert _names(tmp_path) == ["tool.py"]


def test_expected_empty_content_matches_a_missing_file(tmp_path: Path) -> None:
    safefs.atomic_write(tmp_path / ".env", b"A=1\n", mode=0o600, expected=b"")
    assert (tmp_path / ".env").read_bytes() == b"A=1\n"
    with pytest.raises(safefs.FileChanged):
        safefs.atomic_write(tmp_path / ".env", b"B=2\n", expected=b"")


def test_an_edit_during_the_write_is_detected_at_the_last_moment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tool.py"
    target.write_bytes(b"x = 1\n")
    real = safefs._write_temporary

    def edit_meanwhile(path: Path, data: bytes, mode: int | None) -> Path:
        temporary = real(path, data, mode)
        target.write_bytes(b"x = 'edited'\n")
        return temporary

    monkeypatch.setattr(safefs, "_write_temporary", edit_meanwhile)
    with pytest.raises(safefs.FileChanged):
        safefs.atomic_write(target, b"x = 2\n", expected=b"x = 1\n")
    assert target.read_bytes() == b"x = 'edited'\n"
    assert _names(tmp_path) == ["tool.py"]


def test_create_new_never_follows_a_link_at_the_name(tmp_path: Path, victim: Path) -> None:
    key = tmp_path / "vault.key"
    key.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):
        safefs.create_new(key, b"key", mode=0o600)
    assert not (tmp_path / "elsewhere").exists()
    safefs.create_new(tmp_path / "new.key", b"key", mode=0o600)
    assert stat.S_IMODE((tmp_path / "new.key").stat().st_mode) == 0o600
    assert _names(tmp_path) == ["new.key", "vault.key", "victim"]


def test_remove_under_removes_a_file_and_a_link_as_a_link(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    (out / "lessons").mkdir(parents=True)
    (out / "lessons" / "old.md").write_text("old")
    (out / "lessons" / "link.md").symlink_to(victim)
    assert safefs.remove_under(out, out / "lessons" / "old.md") is True
    assert safefs.remove_under(out, out / "lessons" / "link.md") is True
    assert safefs.remove_under(out, out / "lessons" / "gone.md") is False
    assert _names(out / "lessons") == []
    assert victim.read_bytes() == VICTIM


def test_remove_under_refuses_a_path_through_a_link_out_of_the_root(
        tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old").symlink_to(tmp_path)
    with pytest.raises(safefs.OutsideRoot) as caught:
        safefs.remove_under(out, out / "old" / "victim")
    assert caught.value.strerror == f"it is outside {out} (through a symbolic link)"
    with pytest.raises(safefs.OutsideRoot):
        safefs.remove_under(out, out / ".." / "victim")
    assert victim.read_bytes() == VICTIM


def test_remove_under_allows_a_link_that_stays_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "real").mkdir(parents=True)
    (out / "real" / "a.md").write_text("a")
    (out / "alias").symlink_to(out / "real")
    assert safefs.remove_under(out, out / "alias" / "a.md") is True
    assert not (out / "real" / "a.md").exists()


def test_remove_under_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(safefs.UnsafePathError, match="it is a folder"):
        safefs.remove_under(tmp_path, tmp_path / "sub")


def _aged(path: Path, seconds: float) -> Path:
    moment = time.time() + seconds
    os.utime(path, (moment, moment), follow_symlinks=False)
    return path


def test_stale_temporaries_are_cleaned_only_when_they_are_ours(
        tmp_path: Path, victim: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    target = folder / "x.py"
    target.write_text("x = 1\n")
    killed = folder / ".x.py.a1b2c3d4e5f6.tokenward"  # safefs's own name
    killed.write_text("half")
    _aged(killed, -3600)
    old_style = folder / ".x.py.k_9zq2wm.tokenward"  # tempfile.mkstemp's, older versions
    old_style.write_text("half")
    _aged(old_style, -3600)
    link = folder / ".x.py.l1nkl1nk.tokenward"
    link.symlink_to(victim)
    _aged(link, -3600)
    fresh = folder / ".x.py.fr3shfr3sh.tokenward"
    fresh.write_text("a concurrent writer's")
    other_pattern = folder / ".x.py.tmp"
    other_pattern.write_text("not ours")
    _aged(other_pattern, -3600)
    other_file = folder / ".y.py.a1b2c3d4e5f6.tokenward"
    other_file.write_text("another file's")
    _aged(other_file, -3600)
    removed = safefs.remove_stale_temporaries(target, before=time.time() - 60)
    assert removed == 2
    assert _names(folder) == sorted([fresh.name, link.name, other_pattern.name,
                                     other_file.name, "x.py"])
    assert victim.read_bytes() == VICTIM


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving a file to another user needs root")
def test_stale_temporaries_of_another_user_are_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "x.py"
    theirs = tmp_path / ".x.py.a1b2c3d4e5f6.tokenward"
    theirs.write_text("another user's")
    os.chown(theirs, 65534, 65534)
    _aged(theirs, -3600)
    assert safefs.remove_stale_temporaries(target, before=time.time()) == 0
    assert theirs.exists()
