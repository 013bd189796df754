/* While a story's change form is open, tell the server every 20 seconds and show
   who else has the same story open («يحرّر هذا الخبر الآن: …»). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var banner = document.querySelector(".sahifa-presence[data-heartbeat-url]");
    var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!banner || !tokenInput) { return; }
    var names = banner.querySelector(".sahifa-presence__names");
    function beat() {
      fetch(banner.dataset.heartbeatUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": tokenInput.value },
      })
        .then(function (response) { return response.ok ? response.json() : { others: [] }; })
        .then(function (data) {
          names.textContent = data.others.join("، ");
          banner.hidden = data.others.length === 0;
        })
        .catch(function () { /* offline for a moment: try again at the next beat */ });
    }
    beat();
    setInterval(beat, 20000);
  });
})();
