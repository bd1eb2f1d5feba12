(function () {
  "use strict";
  // -- The quiz: scored in the page, feedback that teaches, SCORM 1.2 when in an LMS ------
  var scorm = window.TOKENWARD_SCORM === true;
  var api = null;
  var questions = document.querySelectorAll(".question");
  var total = questions.length;
  var answered = 0, correct = 0, finished = false;
  var revisit = [];

  // SCORM 1.2: the LMS puts an object named API in this window or one of its parents.
  function findAPI(win) {
    var depth = 0;
    while (win && depth < 10) {
      try { if (win.API) { return win.API; } } catch (e) { return null; }
      if (win.parent === win) { break; }
      win = win.parent; depth += 1;
    }
    return null;
  }
  function lms(name) {
    if (!api) { return ""; }
    try { return api[name].apply(api, Array.prototype.slice.call(arguments, 1)); }
    catch (e) { return ""; }
  }
  if (scorm) {
    api = findAPI(window) || (window.opener ? findAPI(window.opener) : null);
    if (api) {
      lms("LMSInitialize", "");
      lms("LMSSetValue", "cmi.core.score.min", "0");
      lms("LMSSetValue", "cmi.core.score.max", "100");
      lms("LMSSetValue", "cmi.core.lesson_status", "incomplete");
      lms("LMSCommit", "");
    }
  }
  function percent() { return total ? Math.round(100 * correct / total) : 0; }
  function report() {
    var text = "Score: " + correct + " / " + total + " (" + answered + " answered)";
    document.getElementById("score").textContent = text;
    document.getElementById("results-score").textContent = text;
    var box = document.getElementById("revisit");
    box.replaceChildren();
    if (revisit.length) {
      var head = document.createElement("p");
      head.textContent = "Topics to revisit:";
      var list = document.createElement("ul");
      revisit.forEach(function (topic) {
        var item = document.createElement("li");
        item.textContent = topic;
        list.appendChild(item);
      });
      box.appendChild(head);
      box.appendChild(list);
    } else if (answered && answered === total) {
      box.textContent = "Every question right the first time: nothing to revisit.";
    }
    if (!api) { return; }
    lms("LMSSetValue", "cmi.core.score.raw", String(percent()));
    var status = answered < total ? "incomplete" :
      (percent() >= {{ mastery }} ? "passed" : "failed");
    lms("LMSSetValue", "cmi.core.lesson_status", status);
    lms("LMSCommit", "");
  }
  function finish() {
    if (api && !finished) { finished = true; lms("LMSFinish", ""); }
  }
  Array.prototype.forEach.call(questions, function (q) {
    var button = q.querySelector("button");
    var feedback = q.querySelector(".feedback");
    button.addEventListener("click", function () {
      var picked = q.querySelector("input:checked");
      if (!picked) {
        feedback.className = "feedback bad";
        feedback.textContent = "Pick an answer first.";
        return;
      }
      var label = picked.closest("label");
      var right = picked.getAttribute("data-correct") === "true";
      Array.prototype.forEach.call(q.querySelectorAll("label"), function (l) {
        l.classList.remove("was-right", "was-wrong", "is-answer");
      });
      label.classList.add(right ? "was-right" : "was-wrong");
      feedback.className = "feedback " + (right ? "ok" : "bad");
      if (right) {
        feedback.textContent = "Correct. " + picked.getAttribute("data-feedback");
      } else {
        // Why this one is wrong, then which one is right and why.
        q.querySelector("label.right-answer").classList.add("is-answer");
        feedback.textContent = "Not quite. " + picked.getAttribute("data-feedback") +
          " The right answer is \u201c" + q.getAttribute("data-answer") + "\u201d: " +
          q.getAttribute("data-answer-why");
      }
      if (!q.hasAttribute("data-scored")) {
        // The first answer counts; later tries still show their feedback.
        q.setAttribute("data-scored", right ? "right" : "wrong");
        answered += 1;
        if (right) { correct += 1; } else { revisit.push(q.getAttribute("data-topic")); }
        report();
      }
    });
  });
  report();
  window.addEventListener("beforeunload", finish);
  window.addEventListener("pagehide", finish);
  window.tokenwardQuiz = { score: function () { return { correct: correct, answered: answered, total: total }; },
                           revisit: function () { return revisit.slice(); },
                           finish: finish };

  // -- The presenter view: one screen at a time, a timer against the agenda, notes ------
  var body = document.body;
  var screens = Array.prototype.slice.call(document.querySelectorAll(".screen"));
  var pane = document.getElementById("notes-pane");
  var current = 0, startedAt = null, pausedFor = 0, pausedAt = null, ticker = null;

  function elapsedMs() {
    if (startedAt === null) { return 0; }
    var now = pausedAt !== null ? pausedAt : Date.now();
    return now - startedAt - pausedFor;
  }
  function clock(ms) {
    var seconds = Math.floor(ms / 1000);
    var minutes = Math.floor(seconds / 60);
    return (minutes < 10 ? "0" : "") + minutes + ":" + ((seconds % 60) < 10 ? "0" : "") + (seconds % 60);
  }
  function tick() {
    var screen = screens[current];
    var ms = elapsedMs();
    var start = Number(screen.getAttribute("data-start"));
    var end = Number(screen.getAttribute("data-end"));
    var minutes = ms / 60000;
    document.getElementById("p-timer").textContent = clock(ms);
    document.getElementById("p-plan").textContent = screen.getAttribute("data-item") +
      " \u00b7 planned " + start + "\u2013" + end + " min";
    var status = document.getElementById("p-status");
    if (minutes > end) {
      status.textContent = Math.ceil(minutes - end) + " min behind";
      status.className = "p-status behind";
    } else if (minutes < start) {
      status.textContent = Math.ceil(start - minutes) + " min ahead";
      status.className = "p-status ahead";
    } else {
      status.textContent = "on time";
      status.className = "p-status on-time";
    }
    document.querySelector("[data-action='timer']").textContent = pausedAt !== null ? "Resume" : "Pause";
  }
  function show(index) {
    current = Math.max(0, Math.min(screens.length - 1, index));
    screens.forEach(function (s, i) { s.classList.toggle("current", i === current); });
    var screen = screens[current];
    document.getElementById("p-position").textContent = (current + 1) + " / " + screens.length;
    document.getElementById("p-title").textContent = screen.getAttribute("data-title");
    var notes = screen.querySelector("aside.notes");
    pane.replaceChildren();
    if (notes) {
      Array.prototype.forEach.call(notes.childNodes, function (n) { pane.appendChild(n.cloneNode(true)); });
    }
    window.scrollTo(0, 0);
    tick();
  }
  function present() {
    if (body.classList.contains("presenting")) { return; }
    body.classList.add("presenting");
    if (startedAt === null) { startedAt = Date.now(); }
    if (ticker === null) { ticker = window.setInterval(tick, 1000); }
    show(current);
  }
  function leave() {
    body.classList.remove("presenting", "notes-open");
    if (ticker !== null) { window.clearInterval(ticker); ticker = null; }
    screens[current].scrollIntoView();
  }
  function toggleTimer() {
    if (startedAt === null) { return; }
    if (pausedAt === null) { pausedAt = Date.now(); }
    else { pausedFor += Date.now() - pausedAt; pausedAt = null; }
    tick();
  }
  function reveal(on) {
    body.classList.toggle("reveal", on);
    Array.prototype.forEach.call(document.querySelectorAll("details.spot-answer"), function (d) {
      d.open = on;
    });
  }
  var actions = {
    next: function () { show(current + 1); },
    prev: function () { show(current - 1); },
    notes: function () { body.classList.toggle("notes-open"); },
    reveal: function () { reveal(!body.classList.contains("reveal")); },
    timer: toggleTimer,
    exit: leave
  };
  Array.prototype.forEach.call(document.querySelectorAll("#presenter-bar [data-action]"), function (b) {
    b.addEventListener("click", function () { actions[b.getAttribute("data-action")](); });
  });
  document.getElementById("present-button").addEventListener("click", present);
  var keys = {
    ArrowRight: "next", PageDown: "next", " ": "next", j: "next",
    ArrowLeft: "prev", PageUp: "prev", k: "prev",
    n: "notes", r: "reveal", t: "timer", Escape: "exit", p: "exit"
  };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (!body.classList.contains("presenting")) {
      if (event.key === "p") { event.preventDefault(); present(); }
      return;
    }
    var action = keys[event.key];
    if (event.key === "Home") { event.preventDefault(); show(0); return; }
    if (event.key === "End") { event.preventDefault(); show(screens.length - 1); return; }
    if (action) { event.preventDefault(); actions[action](); }
  });
  // Opened (or linked) as index.html#present: start presenting.
  function fromHash() { if (window.location.hash === "#present") { present(); } }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  window.tokenwardPresenter = { screen: function () { return current; }, count: screens.length };
})();
