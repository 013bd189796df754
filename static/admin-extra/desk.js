/* Loaded on every admin page (templates/admin/base_site.html): names the controls that Django's
   and modeltranslation's scripts add to a page without a name for screen readers (WCAG 4.1.2).
   They add them after the page has loaded, so this watches the page for them. */
(function () {
  "use strict";
  var script = document.currentScript;
  var switchLabel = script ? script.getAttribute("data-language-switch-label") : "";

  function name(root) {
    // modeltranslation's select between a form's languages has no label.
    var languageSwitch = root.querySelector("#modeltranslation-main-switch:not([aria-label])");
    if (languageSwitch && switchLabel) {
      languageSwitch.setAttribute("aria-label", switchLabel);
    }
    // The filter boxes of Django's two-list widget (SelectFilter2.js) label an icon <span>,
    // which has no role that may carry a name: it is an image with a text alternative.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    name(document);
    new MutationObserver(function () {
      name(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
