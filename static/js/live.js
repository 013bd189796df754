// Live coverage: ask for updates newer than the newest one shown and put them on top, without
// reloading. The page is complete without this script; it only saves a reload.
(function () {
  "use strict";
  var list = document.getElementById("live-updates");
  if (!list || !list.dataset.since || !window.fetch) return;
  var since = list.dataset.since;
  var INTERVAL = 15000;
  var timer = null;

  function poll() {
    fetch(since, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.updates.forEach(function (update) {
          if (document.getElementById("update-" + update.id)) return;
          var holder = document.createElement("div");
          holder.innerHTML = update.html;
          var element = holder.firstElementChild;
          if (!element) return;
          element.classList.add("live-update--new");
          var empty = list.querySelector(":scope > p");
          if (empty) empty.remove();
          list.insertBefore(element, list.firstElementChild);
        });
        if (data.next) since = data.next;
        if (!data.live) window.clearInterval(timer);
      })
      .catch(function () { /* the next poll tries again */ });
  }

  timer = window.setInterval(poll, Number(list.dataset.interval) || INTERVAL);

  // Copy-link buttons: the link still works as a plain link without the clipboard.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy]");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.dataset.copy).then(function () {
      link.setAttribute("aria-live", "polite");
      link.dataset.copied = "1";
    });
  });
})();
