/* Hotline: response templates (回复模板) on the follow-up page and the desk.
 *
 * Each template offered beside a text box (templates/followup/_replies.html)
 * carries a "use" button, hidden until this script shows it: without
 * JavaScript the filled-in text is there to read and copy. A click puts the
 * text in the box when the box is empty (or holds that text already); over
 * anything else typed there it asks first, and keeps the typing if the answer
 * is no. The first placeholder left to fill in ({联系人}) is selected, so the
 * liaison types over it. Static file, no inline script: the CSP stays strict.
 */
(() => {
  "use strict";

  const LEFT = /[{｛][^{}｛｝\s]{1,20}[}｝]/;

  function show(root) {
    (root || document).querySelectorAll("button[data-reply-use][hidden]").forEach((btn) => {
      btn.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => show(document));
  document.addEventListener("htmx:load", (evt) => show(evt.target));

  document.addEventListener("click", (evt) => {
    const btn = evt.target instanceof Element ? evt.target.closest("button[data-reply-use]") : null;
    if (!btn) return;
    const box = document.getElementById(btn.dataset.replyTarget);
    const source = document.getElementById(btn.dataset.replyUse);
    if (!box || !source) return;
    const text = source.textContent.trim();
    const typed = box.value.trim();
    const picker = btn.closest("[data-replies-confirm]");
    if (typed && typed !== text && !window.confirm(picker ? picker.dataset.repliesConfirm : "?")) {
      return; // what was typed stays
    }
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    if (picker && picker.tagName === "DETAILS") picker.open = false;
    box.focus();
    const left = LEFT.exec(text);
    if (left) box.setSelectionRange(left.index, left.index + left[0].length);
    else box.setSelectionRange(text.length, text.length);
  });
})();
