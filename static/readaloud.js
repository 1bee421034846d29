// Read aloud (朗读): the page's main content, or one item, spoken by the
// browser's own speech synthesis in the page's language (zh-CN or en). No
// external service. The buttons stay hidden where the browser cannot speak.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }

  function reveal(root) {
    var buttons = (root || document).querySelectorAll("button.readaloud[hidden]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
    }
  }

  // What the button reads: `data-readaloud` names elements (a selector list,
  // read in order), otherwise the item around the button.
  function textFor(button) {
    var parts = [];
    var targets = button.dataset.readaloud
      ? document.querySelectorAll(button.dataset.readaloud)
      : [button.closest("[data-readaloud-item]")];
    for (var i = 0; i < targets.length; i++) {
      if (targets[i]) {
        parts.push(textOf(targets[i]));
      }
    }
    return parts.join("\n").replace(/[ \t]+/g, " ").trim();
  }

  // The visible text (innerText skips what is hidden, e.g. the secondary parts
  // elder mode leaves out), without the labels of the read-aloud buttons and
  // of the forms (their fields say nothing worth hearing).
  function textOf(element) {
    var text = element.innerText || "";
    var skip = element.querySelectorAll("button.readaloud, form, .readaloud-skip");
    var labels = [];
    for (var i = 0; i < skip.length; i++) {
      var words = (skip[i].innerText || "").trim();
      if (words) {
        labels.push(words);
      }
    }
    // Longest first: "… #1" must not cut the front off "… #12" and leave "2".
    labels.sort(function (a, b) {
      return b.length - a.length;
    });
    for (var j = 0; j < labels.length; j++) {
      text = text.split(labels[j]).join(" ");
    }
    return text;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.readaloud");
    if (!button) {
      return;
    }
    event.preventDefault();
    if (synth.speaking && button.getAttribute("aria-pressed") === "true") {
      synth.cancel();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    synth.cancel();
    var pressed = document.querySelectorAll("button.readaloud[aria-pressed=true]");
    for (var i = 0; i < pressed.length; i++) {
      pressed[i].setAttribute("aria-pressed", "false");
    }
    var utterance = new SpeechSynthesisUtterance(textFor(button));
    utterance.lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
    utterance.onend = utterance.onerror = function () {
      button.setAttribute("aria-pressed", "false");
    };
    button.setAttribute("aria-pressed", "true");
    synth.speak(utterance);
  });

  document.addEventListener("DOMContentLoaded", function () {
    reveal(document);
  });
  // Fragments swapped in by htmx (filters, pushes, boosted pages) carry their own buttons.
  document.addEventListener("htmx:load", function (event) {
    reveal(event.target);
  });
})();
