(function () {
  "use strict";
  var scorm = window.TOKENWARD_SCORM === true;
  var api = null;
  var questions = document.querySelectorAll(".question");
  var total = questions.length;
  var answered = 0, correct = 0, finished = false;

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
        l.classList.remove("was-right", "was-wrong");
      });
      label.classList.add(right ? "was-right" : "was-wrong");
      feedback.className = "feedback " + (right ? "ok" : "bad");
      feedback.textContent = (right ? "Correct. " : "Not quite. ") +
        picked.getAttribute("data-feedback");
      if (!q.hasAttribute("data-scored")) {
        // The first answer counts; later tries still show their feedback.
        q.setAttribute("data-scored", right ? "right" : "wrong");
        answered += 1;
        if (right) { correct += 1; }
        report();
      }
    });
  });
  report();
  window.addEventListener("beforeunload", finish);
  window.addEventListener("pagehide", finish);
  window.tokenwardQuiz = { score: function () { return { correct: correct, answered: answered, total: total }; },
                           finish: finish };
})();
