"""The generated site in a real headless browser (Debian's chromium, driven by Playwright).

Skipped with a reason when chromium or Playwright is missing, except when
TOKENWARD_REQUIRE_TOOLS=1 (CI), where a missing tool fails the test. Both views are
driven: the learner view (the quiz answered right and wrong, the topics to revisit, print)
and the presenter view (next, previous, the timer against the agenda, notes, reveal).
Screenshots of both are kept in pytest's temporary folder; its path is printed (run with
-s to see it).
"""

from __future__ import annotations

import datetime
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


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots are kept: pytest's temporary folder (printed with -s)."""
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """Every request the page makes, and every error it logs or throws."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    return requests, errors


def test_learner_view_quiz_right_and_wrong(browser: Any, session_dir: Path,
                                           shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    requests, errors = _watch(page)
    url = (session_dir / "site" / "index.html").as_uri()
    page.goto(url)
    assert page.locator("#score").inner_text() == "Score: 0 / 9 (0 answered)"
    # The learner view is one scrollable page: every screen is shown, no presenter bar.
    assert page.evaluate("document.scrollingElement.scrollHeight > 3 * innerHeight")
    assert page.locator(".screen:visible").count() == page.locator(".screen").count()
    assert not page.locator("#presenter-bar").is_visible()
    right = _answer(page, "01-provider-token-q2", correct=True)
    assert right == ("Correct. Once pushed, treat it as public. Revoke and rotate first, "
                     "then rewrite the code, then install the hook so it does not happen "
                     "again.")
    assert page.locator(_id("01-provider-token-q2") + " .feedback").get_attribute("class") == \
        "feedback ok"
    wrong = _answer(page, "02-weak-token-generation-q1", correct=False)
    # Why the pick is wrong, then which answer is right and why.
    assert wrong == ("Not quite. Speed is not the problem: random is fast. Its output is "
                     "predictable. The right answer is \u201cIts generator is predictable: "
                     "enough outputs reveal its state and every future token.\u201d: random "
                     "is a Mersenne Twister meant for simulations. Use the secrets module, "
                     "which reads the operating system's CSPRNG.")
    form = _id("02-weak-token-generation-q1")
    assert page.locator(form + " .feedback").get_attribute("class") == "feedback bad"
    assert page.locator(form + " label.is-answer").inner_text().startswith(
        "Its generator is predictable")
    assert page.locator("#score").inner_text() == "Score: 1 / 9 (2 answered)"
    page.locator(form).evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(shots / "learner-quiz-feedback.png"))
    # A second try shows its feedback but the first answer is the one that counts.
    _answer(page, "02-weak-token-generation-q1", correct=True)
    assert page.locator("#score").inner_text() == "Score: 1 / 9 (2 answered)"
    # The summary lists the topics to revisit.
    assert [line for line in page.locator("#results").inner_text().splitlines() if line] == [
        "Score: 1 / 9 (2 answered)", "Topics to revisit:",
        "Lesson 2: Token made from a predictable source, question 1"]
    # Spot the bug: the answer is one click away, hidden until then.
    spot = page.locator(_id("01-provider-token") + " details.spot-answer")
    assert not spot.locator("p").is_visible()
    spot.locator("summary").click()
    assert spot.locator("p").inner_text().startswith("Line 3: a real GitHub token sits")
    assert page.locator(_id("03-test-password") + " pre.diff .add").all_inner_texts() == [
        "+import os", "+", '+db_password = os.environ["DB_PASSWORD"]']
    page.locator(_id("01-provider-token") + " h3").nth(0).evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(shots / "learner-lesson.png"))
    # Printable: navigation and buttons hidden, answers printed.
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == \
        "none"
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.print-answer')).display") == "block"
    assert page.evaluate(
        "getComputedStyle(document.querySelector('aside.notes')).display") == "none"
    page.close()
    assert errors == []
    assert requests == [url]  # nothing but the page itself: no network, no other file


def _bar(page: Any) -> dict[str, str]:
    return {name: page.locator(f"#p-{name}").inner_text()
            for name in ("position", "title", "timer", "plan", "status")}


def test_presenter_view_screens_timer_notes_and_reveal(browser: Any, session_dir: Path,
                                                       shots: Path) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    requests, errors = _watch(page)
    # The page's clock moves only when the test says so.
    page.clock.install(time=datetime.datetime(2025, 3, 4, 9, 0))
    url = (session_dir / "site" / "index.html").as_uri()
    page.goto(url)
    page.clock.pause_at(datetime.datetime(2025, 3, 4, 9, 0, 1))
    screens = page.locator(".screen").count()
    page.keyboard.press("p")
    assert page.evaluate("document.body.className") == "presenting"
    assert page.locator(".screen:visible").count() == 1
    assert _bar(page) == {"position": f"1 / {screens}", "title": "Welcome", "timer": "00:00",
                          "plan": "Welcome, and what the scan found \u00b7 planned 0\u201310 min",
                          "status": "on time"}
    page.screenshot(path=str(shots / "presenter-welcome.png"))
    # Next and previous, by key and by button.
    page.keyboard.press("ArrowRight")
    assert _bar(page)["position"] == f"2 / {screens}" and _bar(page)["title"] == "Agenda"
    page.keyboard.press("ArrowLeft")
    assert _bar(page)["title"] == "Welcome"
    page.locator("#presenter-bar [data-action='next']").click()
    page.locator("#presenter-bar [data-action='next']").click()
    assert _bar(page)["title"] == "Lesson 1: Provider token in clear text"
    assert page.locator(".screen.current h2").inner_text() == \
        "Lesson 1: Provider token in clear text"
    # The timer runs against the agenda: lesson 1 is planned from minute 10.
    page.clock.run_for("06:00")
    assert (_bar(page)["timer"], _bar(page)["status"]) == ("06:00", "4 min ahead")
    page.clock.run_for("05:30")
    assert (_bar(page)["timer"], _bar(page)["status"]) == ("11:30", "on time")
    page.keyboard.press("Home")
    assert (_bar(page)["title"], _bar(page)["status"]) == ("Welcome", "2 min behind")
    assert page.locator("#p-status").get_attribute("class") == "p-status behind"
    # Paused, the clock stands still.
    page.keyboard.press("t")
    page.clock.run_for("02:00")
    assert _bar(page)["timer"] == "11:30"
    page.keyboard.press("t")
    page.clock.run_for("00:30")
    assert _bar(page)["timer"] == "12:00"
    # Speaker notes in a toggled pane, following the screen.
    assert not page.locator("#notes-pane").is_visible()
    page.keyboard.press("n")
    assert page.locator("#notes-pane").is_visible()
    assert page.locator("#notes-pane").inner_text().startswith("Open with the chart: 5 findings")
    spot = next(i for i in range(screens)
                if page.locator(".screen").nth(i).get_attribute("data-title") == "Spot the bug")
    for _ in range(spot):
        page.keyboard.press("ArrowRight")
    assert _bar(page)["title"] == "Spot the bug"
    assert page.locator("#notes-pane").inner_text() == (
        "Answer: line 3. Give the room a minute before revealing (R).")
    page.screenshot(path=str(shots / "presenter-spot-the-bug-notes.png"))
    # Reveal the answers for a quiz run with the room.
    page.keyboard.press("ArrowRight")
    assert _bar(page)["title"] == "Quiz, question 1"
    question = page.locator(".screen.current form.question")
    assert not question.locator("label.right-answer .why").is_visible()
    page.keyboard.press("r")
    assert "reveal" in page.evaluate("document.body.className").split()
    assert question.locator("label.right-answer .why").is_visible()
    assert question.locator("label.right-answer").evaluate(
        "e => getComputedStyle(e).backgroundColor") == "rgb(230, 244, 234)"
    assert page.locator(".spot-answer[open]").count() == 3
    page.screenshot(path=str(shots / "presenter-quiz-revealed.png"))
    page.keyboard.press("r")
    assert not question.locator("label.right-answer .why").is_visible()
    # The last screen; Escape returns to the scrollable page.
    page.keyboard.press("End")
    assert _bar(page)["position"] == f"{screens} / {screens}"
    assert _bar(page)["title"] == "Debrief"
    page.keyboard.press("Escape")
    assert page.evaluate("document.body.className") == ""
    assert page.locator(".screen:visible").count() == screens
    # Linked as index.html#present, the page starts presenting; opened so, too.
    page.goto(url + "#present")
    assert page.evaluate("document.body.className") == "presenting"
    page.close()
    fresh = browser.new_page()
    more_requests, more_errors = _watch(fresh)
    fresh.goto(url + "#present")
    assert fresh.evaluate("document.body.className") == "presenting"
    fresh.close()
    assert errors == more_errors == []
    # Nothing but the page itself: no network, no other file.
    assert requests == [url] and [r.split("#")[0] for r in more_requests] == [url]


def test_screenshots_are_kept(shots: Path) -> None:
    assert sorted(p.name for p in shots.iterdir()) == [
        "learner-lesson.png", "learner-quiz-feedback.png", "presenter-quiz-revealed.png",
        "presenter-spot-the-bug-notes.png", "presenter-welcome.png"]


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
