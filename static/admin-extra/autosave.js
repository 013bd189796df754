/* Autosave: while the story form is open, send its fields (inline rows included) every few
   seconds when they have changed. The server keeps them as this writer's unsaved copy of this
   story, for them alone (articles/desk/drafts.py). Nothing is kept in the browser itself. */
(function () {
  "use strict";
  var SECONDS = 3;
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("sahifa-autosave");
    var form = box && box.closest("form");
    if (!form) { return; }
    var status = box.querySelector(".sahifa-autosave__status");
    var submitting = false;
    var sending = false;
    function fields() {
      var data = new URLSearchParams(new FormData(form));
      return data.toString();
    }
    var last = fields();
    form.addEventListener("submit", function () { submitting = true; });
    // After a conflict, editing a field again means keeping one's own version of it.
    form.addEventListener("input", function (event) {
      var target = event.target;
      var editor = target && target.closest && target.closest(".prose-editor");
      var name = (editor && editor.querySelector("textarea") || target).name || "";
      // A row's field («bylines-0-text») belongs to its list of rows («bylines»).
      [name, name.split("-")[0]].some(function (key) {
        var mine = key && form.querySelector('input[type=radio][name="merge_' + key + '"][value=mine]');
        if (mine) { mine.checked = true; }
        return Boolean(mine);
      });
    });
    function send(leaving) {
      if (submitting || sending) { return; }
      var body = fields();
      if (body === last) { return; }
      sending = true;
      fetch(box.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        keepalive: leaving === true,  // a closing tab still delivers its last words
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          last = body;
          status.textContent = data.message;
        })
        .catch(function () { status.textContent = box.dataset.failed; })
        .finally(function () { sending = false; });
    }
    setInterval(send, SECONDS * 1000);
    window.addEventListener("pagehide", function () { send(true); });
  });
})();
