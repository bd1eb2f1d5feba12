"""The generated site in a real headless browser (Debian's chromium, driven by Playwright).

Skipped with a reason when chromium or Playwright is missing, except when
TOKENWARD_REQUIRE_TOOLS=1 (CI), where a missing tool fails the test. Screenshots are kept
in pytest's temporary folder; their paths are printed (run with -s to see them).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.training.fixtures import CORE_RULES, write_app
from tokenward.config import Config
from tokenward.scanner.pipeline import scan
from tokenward.training import build, session_files, write_session

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_browser() -> Any:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problems.append("the playwright package is missing (pip install playwright)")
        sync_playwright = None
    if problems:
        reason = "; ".join(problems)
        if os.environ.get("TOKENWARD_REQUIRE_TOOLS") == "1":
            pytest.fail(f"TOKENWARD_REQUIRE_TOOLS=1 but {reason}")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _require_browser()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("team")
    write_app(root)
    cwd = Path.cwd()
    os.chdir(root)
    try:
        findings = scan(["app"], Config(), rules=CORE_RULES, use_cache=False).findings
    finally:
        os.chdir(cwd)
    out = root / "training"
    write_session(out, session_files(build(findings, root=root, rules=CORE_RULES), scorm=True))
    return out


def _id(name: str) -> str:
    return f"[id='{name}']"  # slugs start with a digit: not a valid #id selector


def _answer(page: Any, form: str, correct: bool) -> str:
    value = "true" if correct else "false"
    page.locator(f"{_id(form)} input[data-correct='{value}']").first.check()
    page.locator(f"{_id(form)} button").click()
    text: str = page.locator(f"{_id(form)} .feedback").inner_text()
    return text


def test_quiz_feedback_and_score_in_the_page(browser: Any, session_dir: Path,
                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = (session_dir / "site" / "index.html").as_uri()
    page.goto(url)
    assert page.locator("#score").inner_text() == "Score: 0 / 9 (0 answered)"
    right = _answer(page, "01-provider-token-q2", correct=True)
    assert right == ("Correct. Right: once pushed, treat it as public. Revoke and rotate "
                     "first, then rewrite the code, then install the hook so it does not "
                     "happen again.")
    assert page.locator(_id("01-provider-token-q2") + " .feedback").get_attribute("class") == \
        "feedback ok"
    wrong = _answer(page, "02-weak-token-generation-q1", correct=False)
    assert wrong == ("Not quite. Speed is not the problem: random is fast. Its output is "
                     "predictable.")
    wrong_box = page.locator(_id("02-weak-token-generation-q1") + " .feedback")
    assert wrong_box.get_attribute("class") == "feedback bad"
    assert page.locator("#score").inner_text() == "Score: 1 / 9 (2 answered)"
    # A second try shows its feedback but the first answer is the one that counts.
    _answer(page, "02-weak-token-generation-q1", correct=True)
    assert page.locator("#score").inner_text() == "Score: 1 / 9 (2 answered)"
    assert page.locator(_id("03-test-password") + " pre.diff .add").all_inner_texts() == [
        "+import os", "+", '+db_password = os.environ["DB_PASSWORD"]']
    assert errors == []
    assert requests == [url]  # nothing but the page itself: no network, no other file
    shots = tmp_path_factory.mktemp("screenshots")
    page.locator(_id("03-test-password") + " h3").nth(2).evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(shots / "laptop-lesson.png"))
    page.locator(_id("01-provider-token-q2")).evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(shots / "laptop-quiz.png"))
    projector = browser.new_page(viewport={"width": 1920, "height": 1080})
    projector.goto(url)
    projector.screenshot(path=str(shots / "projector-plan.png"))
    projector.emulate_media(media="print")
    assert projector.evaluate(
        "getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    assert projector.evaluate(
        "getComputedStyle(document.querySelector('.print-answer')).display") == "block"
    projector.close()
    page.close()
    print(f"\nscreenshots: {shots}")
    assert sorted(p.name for p in shots.iterdir()) == [
        "laptop-lesson.png", "laptop-quiz.png", "projector-plan.png"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8"><script>
window.calls = [];
window.API = {
  LMSInitialize: function (a) { calls.push(["LMSInitialize", a]); return "true"; },
  LMSSetValue: function (k, v) { calls.push(["LMSSetValue", k, v]); return "true"; },
  LMSCommit: function (a) { calls.push(["LMSCommit", a]); return "true"; },
  LMSFinish: function (a) { calls.push(["LMSFinish", a]); return "true"; },
  LMSGetValue: function (k) { return ""; }, LMSGetLastError: function () { return "0"; }
};
</script></head><body><iframe id="sco" src="index.html" width="1200" height="800"></iframe>
</body></html>"""


def test_scorm_page_finds_the_lms_api_in_its_parent_frame(browser: Any, session_dir: Path,
                                                         tmp_path: Path) -> None:
    # An LMS serves the package over HTTP and hosts it in a frame: do the same, locally.
    zipfile.ZipFile(session_dir / "scorm" / "tokenward-training-scorm12.zip").extractall(
        tmp_path)
    (tmp_path / "lms.html").write_text(WRAPPER, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/lms.html")
        frame = page.frame_locator("#sco")
        frame.locator(".score").wait_for()
        forms = frame.locator("form.question")
        count = forms.count()
        assert count == 9
        for index in range(count):
            form = forms.nth(index)
            form.locator("input[data-correct='true']").check()
            form.locator("button").click()
        sco = next(f for f in page.frames if f.url.endswith("/index.html"))
        sco.evaluate("window.tokenwardQuiz.finish()")
        calls = page.evaluate("window.calls")
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert calls[:5] == [
        ["LMSInitialize", ""],
        ["LMSSetValue", "cmi.core.score.min", "0"],
        ["LMSSetValue", "cmi.core.score.max", "100"],
        ["LMSSetValue", "cmi.core.lesson_status", "incomplete"],
        ["LMSCommit", ""],
    ]
    scores = [c[2] for c in calls if c[:2] == ["LMSSetValue", "cmi.core.score.raw"]]
    assert scores[0] == "0" and scores[-1] == "100"
    statuses = [c[2] for c in calls if c[:2] == ["LMSSetValue", "cmi.core.lesson_status"]]
    assert statuses[-1] == "passed"
    assert calls[-1] == ["LMSFinish", ""]
