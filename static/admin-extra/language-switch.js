/* One switch for the language versions of a translated admin form («العربية» / «English
   version»): the form shows the Arabic or the English fields, never both, and nothing else
   changes. It replaces modeltranslation's pair of tabs on each field, whose nested controls
   and unnamed selector screen readers cannot use. A form may bring its own switch markup
   (.sahifa-language, as the story form does, with its translation gaps); else one is made.
   Without this script every field shows, each labelled with its language. */
(function () {
  "use strict";
  var _ = window.gettext || function (text) { return text; };

  function translatedForm() {
    var form = document.querySelector("#content-main form[method=post]");
    if (!form || !form.querySelector('[id$="_en"][name$="_en"]')) return null;
    return form;
  }

  function makeSwitch(form) {
    var group = document.createElement("div");
    group.className = "sahifa-language";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", _("Version shown"));
    [["ar", _("Arabic")], ["en", _("English version")]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.setAttribute("data-language", pair[0]);
      button.textContent = pair[1];
      group.appendChild(button);
    });
    var first = form.querySelector("fieldset, .inline-group");
    (first ? first.parentNode : form).insertBefore(group, first);
    return group;
  }

  function setLanguage(form, language) {
    form.setAttribute("data-language", language);
    form.querySelectorAll(".sahifa-language [data-language]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-language") === language));
    });
    form.dispatchEvent(new CustomEvent("sahifa:language", { detail: language }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = translatedForm();
    if (!form) return;
    var group = form.querySelector(".sahifa-language") || makeSwitch(form);
    group.hidden = false;
    // A form sent back with an error in an English field opens on the English version.
    var englishError = form.querySelector('.errors [id$="_en"], .errors[class$="_en"]');
    setLanguage(form, englishError ? "en" : "ar");
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-language]");
      if (button) setLanguage(form, button.getAttribute("data-language"));
    });
  });
})();
