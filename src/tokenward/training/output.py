"""Write a rendered session into a folder without losing anybody's work.

The folder gets a marker (``.tokenward-training.json``) listing every file written and its
hash; scans skip a folder that holds it (its exercises are vulnerable on purpose). A
folder that is not empty and has no marker is refused; a file tokenward wrote
earlier and someone edited since (a learner's exercise, a trainer's note) is not
overwritten or removed unless ``force`` is set. Files are written atomically, and never
through a symbolic link that leads out of the folder (checked before anything is written).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from tokenward.safefs import UnsafePathError, atomic_write, check_target, check_under, remove_under
from tokenward.scanner.files import TRAINING_MARKER
from tokenward.training.exercises import MANIFEST, manifest
from tokenward.training.model import Session
from tokenward.training.render import (
    render_chart,
    render_exercises_markdown,
    render_findings,
    render_html,
    render_index_markdown,
    render_lesson_markdown,
    render_scorm,
)

MARKER = TRAINING_MARKER
FINDINGS = "findings.json"  # what the session was built from: `train --compare` reads it
MARKER_FORMAT = "tokenward-training-2"
SCORM_NAME = "scorm/tokenward-training-scorm12.zip"


class OutputError(Exception):
    """The output folder cannot be written safely; nothing or only whole files were written."""


def session_files(session: Session, *, scorm: bool = False) -> dict[str, bytes]:
    """Every file of the session, by its /-separated path in the output folder."""
    text: dict[str, str] = {
        "index.md": render_index_markdown(session),
        "chart.svg": render_chart(session),
        FINDINGS: render_findings(session),
        "site/index.html": render_html(session),
        "exercises/README.md": render_exercises_markdown(session),
        f"exercises/{MANIFEST}": manifest([lesson.exercise for lesson in session.lessons]),
    }
    for lesson in session.lessons:
        text[f"lessons/{lesson.slug}.md"] = render_lesson_markdown(session, lesson.number)
        exercise = lesson.exercise
        text[f"exercises/{exercise.slug}/{exercise.filename}"] = exercise.text
        text[f"solutions/{exercise.slug}/{exercise.filename}"] = exercise.solution
    files = {path: body.encode("utf-8") for path, body in text.items()}
    if scorm:
        files[SCORM_NAME] = render_scorm(session)
    return dict(sorted(files.items()))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _previous(out: Path) -> dict[str, str]:
    marker = out / MARKER
    if not marker.exists():
        if out.exists() and any(out.iterdir()):
            raise OutputError(f"{out} is not empty and was not written by `tokenward train`; "
                              "choose an empty or new folder")
        return {}
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("format") != MARKER_FORMAT or not isinstance(files, list):
            raise ValueError
        return {str(entry["path"]): str(entry["sha256"]) for entry in files}
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(f"{marker}: unreadable; remove it or choose another folder") from None


def _safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts


def _edited(out: Path, previous: Mapping[str, str], paths: set[str]) -> list[str]:
    edited = []
    for path in sorted(paths):
        target = out / path
        if path in previous and target.is_file() and _digest(target.read_bytes()) != previous[path]:
            edited.append(path)
        elif path not in previous and target.exists():
            edited.append(path)  # a file of someone else's at a path we would write
    return edited


def _check_paths(out: Path, writes: Iterable[str], removals: Iterable[str]) -> None:
    """Refuse, before anything changes, a path that leads out of ``out`` through a link
    (a committed ``training/old -> ~/notes``) and a link where a file is to be written."""
    try:
        for path in writes:
            check_target(out / path, root=out)
        for path in removals:
            check_under(out, out / path)
    except UnsafePathError as exc:
        raise OutputError(f"{exc}; nothing was written") from None


def _write(out: Path, path: str, data: bytes) -> None:
    target = out / path
    check_under(out, target)  # again, as late as possible: before any folder is made
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)


def write_session(out: Path, files: Mapping[str, bytes], *, force: bool = False) -> list[str]:
    """Write ``files`` under ``out``; returns the paths written. Raises OutputError."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    try:
        previous = _previous(out)
        stale = {p for p in previous if p not in files and _safe_relative(p)}
        _check_paths(out, [*files, MARKER], stale)
        touched = set(files) | stale
        edited = [p for p in _edited(out, previous, touched)
                  if p not in files or (out / p).read_bytes() != files[p]]
        if edited and not force:
            shown = ", ".join(edited[:5]) + (" ..." if len(edited) > 5 else "")
            raise OutputError(f"{len(edited)} file(s) in {out} changed since they were "
                              f"generated ({shown}); use --force to overwrite them")
        for path, data in files.items():
            _write(out, path, data)
        for path in sorted(stale):
            remove_under(out, out / path)
        # A list of {path, sha256}: a digest keyed by a file name would look like a
        # secret bound to that name to the scanner.
        record = {"format": MARKER_FORMAT,
                  "files": [{"path": path, "sha256": _digest(data)}
                            for path, data in files.items()]}
        _write(out, MARKER, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
    except UnsafePathError as exc:
        raise OutputError(f"cannot write to {out}: {exc}") from None
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return list(files)
