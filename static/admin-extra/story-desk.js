/* The story form as a writing surface (the language switch is language-switch.js):
   - a word count and reading time under the body, updated as the writer types;
   - the browser's spellchecker on in the rich-text editors, in each editor's language;
   - the editor's menu buttons named in the admin's language;
   - «▲ / ▼» on each row of the bylines, cited sources and photos, which move the row on the
     page; its hidden order input (sahifa-row-order) carries the page order to the server.
   Strings come from the admin's script catalogue (gettext, ngettext). */
(function () {
  "use strict";
  var WORDS_PER_MINUTE = 200;
  var _ = window.gettext || function (text) { return text; };
  var n_ = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var fmt = window.interpolate || function (text, values) { return text.replace("%s", values[0]); };

  // The menu's buttons carry English names from django-prose-editor; these are their labels.
  var MENU_LABELS = {
    bold: _("Bold"),
    italic: _("Italic"),
    "heading:2": _("Heading"),
    "heading:3": _("Subheading"),
    bulletList: _("Bulleted list"),
    orderedList: _("Numbered list"),
    blockquote: _("Pull quote"),
    link: _("Link"),
    history: _("History"),
    "history:undo": _("Undo"),
    "history:redo": _("Redo"),
  };

  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/u).length : 0;
  }

  function updateCount(form, counter) {
    var language = form.getAttribute("data-language") || "ar";
    var textarea = document.getElementById("id_body_" + language);
    var wrapper = textarea && textarea.closest(".prose-editor");
    var editor = wrapper && wrapper.querySelector(".ProseMirror[contenteditable]");
    var count = words(editor ? editor.innerText : textarea ? textarea.value.replace(/<[^>]*>/g, " ") : "");
    var minutes = Math.max(1, Math.ceil(count / WORDS_PER_MINUTE));
    counter.textContent =
      fmt(n_("%s word", "%s words", count), [count]) + " · " +
      fmt(n_("%s minute to read", "%s minutes to read", minutes), [minutes]);
  }

  function dressEditor(editor) {
    if (editor.getAttribute("data-sahifa-dressed")) return;
    editor.setAttribute("data-sahifa-dressed", "1");
    var wrapper = editor.closest(".prose-editor");
    var textarea = wrapper && wrapper.querySelector("textarea");
    editor.setAttribute("spellcheck", "true");
    if (textarea) {
      if (textarea.lang) editor.setAttribute("lang", textarea.lang);
      var label = document.querySelector('label[for="' + textarea.id + '"]');
      if (label) {
        if (!label.id) label.id = textarea.id + "-label";
        editor.setAttribute("aria-labelledby", label.id);
      }
    }
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
  }

  // The block-type menu's choices show their names as sample text.
  var MENU_OPTIONS = { heading2: _("Heading"), heading3: _("Subheading"), paragraph: _("Paragraph") };

  // The menu may be built after its editor: named whenever it appears.
  function nameMenu(form) {
    form.querySelectorAll(".prose-menubar__option:not([data-sahifa-named])").forEach(function (option) {
      option.setAttribute("data-sahifa-named", "1");
      var label = MENU_OPTIONS[option.getAttribute("data-name")];
      var sample = option.firstElementChild || option;
      if (label) sample.textContent = label;
    });
    form.querySelectorAll(".prose-menubar:not([role])").forEach(function (menubar) {
      menubar.setAttribute("role", "toolbar");
      menubar.setAttribute("aria-label", _("Formatting"));
    });
    form.querySelectorAll(".prose-menubar__button:not([data-sahifa-named])").forEach(function (button) {
      button.setAttribute("data-sahifa-named", "1");
      var name = button.getAttribute("data-name") || "";
      var label = MENU_LABELS[name] || MENU_LABELS[name.split(":")[0]];
      if (label) {
        button.setAttribute("title", label);
        button.setAttribute("aria-label", label);
      }
    });
  }

  // The admin's autocomplete boxes (select2) are named by their choice: an empty one has no
  // name. Give each the name of the select it stands for.
  function nameCombobox(combobox) {
    var container = combobox.closest(".select2-container");
    var select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var label = select.getAttribute("aria-label");
    var element = !label && select.id && document.querySelector('label[for="' + select.id + '"]');
    label = label || (element && element.textContent.replace(/[:：]\s*$/, "").trim());
    if (!label) return;
    // Named by the label, not by the (maybe empty) text of the current choice.
    combobox.removeAttribute("aria-labelledby");
    combobox.setAttribute("aria-label", label);
    var rendered = combobox.querySelector(".select2-selection__rendered");
    if (rendered) rendered.setAttribute("aria-label", label);
  }

  // The lead photo's card (thumbnail, credit, alt text or what is missing) follows the pick,
  // before the story is saved.
  function showPhotoCard(desk, select) {
    var card = desk.querySelector(".sahifa-photo-card");
    if (!card) return;
    if (!select.value) {
      card.textContent = "—";
      return;
    }
    fetch(desk.getAttribute("data-photo-card-url") + "?id=" + encodeURIComponent(select.value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (photo) {
        if (!photo) return;
        card.textContent = "";
        if (photo.thumbnail) {
          var image = document.createElement("img");
          image.src = photo.thumbnail;
          image.alt = photo.alt_text || "";
          image.width = 80;
          image.className = "sahifa-thumb";
          card.appendChild(image);
        }
        [["sahifa-photo-card__credit", photo.credit], ["sahifa-photo-card__alt", photo.alt]].forEach(function (pair) {
          var span = document.createElement("span");
          span.className = pair[0];
          span.textContent = pair[1];
          card.appendChild(span);
        });
        if (photo.flags) {
          var flags = document.createElement("strong");
          flags.className = "sahifa-flag";
          flags.textContent = photo.flags;
          card.appendChild(flags);
        }
      });
  }

  // --- Rows moved up and down -------------------------------------------------------------
  // The rows keep their numbers (bylines-0, bylines-1…): only their place on the page and
  // their order input change, so the admin's own inline script and the saved ids stay right.

  function orderedRows(tbody) {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form") &&
        row.querySelector(".sahifa-row-order");
    });
  }

  function rowNumber(row) {
    var match = /-(\d+)$/.exec(row.id || "");
    return match ? parseInt(match[1], 10) : 0;
  }

  // A row's errors are drawn in a row of their own just above it: they move together.
  function rowWithErrors(row) {
    var before = row.previousElementSibling;
    return before && before.classList.contains("row-form-errors") ? [before, row] : [row];
  }

  function placeRows(tbody, rows) {
    var anchor = tbody.querySelector("tr.empty-form");
    rows.forEach(function (row) {
      rowWithErrors(row).forEach(function (part) { tbody.insertBefore(part, anchor); });
    });
  }

  // Each row's order input and button names follow the page.
  function numberRows(tbody) {
    orderedRows(tbody).forEach(function (row, index) {
      row.querySelector(".sahifa-row-order").value = String(index);
      var up = row.querySelector(".sahifa-row-up");
      var down = row.querySelector(".sahifa-row-down");
      if (up) up.setAttribute("aria-label", fmt(_("Move row %s up"), [index + 1]));
      if (down) down.setAttribute("aria-label", fmt(_("Move row %s down"), [index + 1]));
    });
  }

  function moveButton(className, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sahifa-row-move " + className;
    button.textContent = text;
    return button;
  }

  function addMoveButtons(tbody) {
    orderedRows(tbody).forEach(function (row) {
      if (row.querySelector(".sahifa-row-up")) return;
      var cell = row.querySelector("td.original") || row.firstElementChild;
      var group = document.createElement("span");
      group.className = "sahifa-row-moves";
      group.appendChild(moveButton("sahifa-row-up", "▲"));
      group.appendChild(moveButton("sahifa-row-down", "▼"));
      cell.appendChild(group);
    });
    numberRows(tbody);
  }

  function moveRow(button) {
    var row = button.closest("tr");
    var tbody = row.parentElement;
    var rows = orderedRows(tbody);
    var index = rows.indexOf(row);
    var target = button.classList.contains("sahifa-row-up") ? index - 1 : index + 1;
    if (target < 0 || target >= rows.length) return;
    rows.splice(index, 1);
    rows.splice(target, 0, row);
    placeRows(tbody, rows);
    numberRows(tbody);
    button.focus();  // the same button, on the moved row
    // Autosave and the conflict screen hear of it like any edit of the list.
    row.querySelector(".sahifa-row-order").dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpRowMoves(form) {
    form.querySelectorAll(".js-inline-admin-formset tbody").forEach(function (tbody) {
      if (!tbody.querySelector(".sahifa-row-order")) return;
      // A form sent back (an error, a held conflict, a recovered copy) shows its rows in the
      // order they were sent.
      var rows = orderedRows(tbody);
      var sorted = rows.slice().sort(function (a, b) {
        var first = parseInt(a.querySelector(".sahifa-row-order").value, 10);
        var second = parseInt(b.querySelector(".sahifa-row-order").value, 10);
        first = isNaN(first) ? rowNumber(a) : first;
        second = isNaN(second) ? rowNumber(b) : second;
        return first - second || rowNumber(a) - rowNumber(b);
      });
      placeRows(tbody, sorted);
      addMoveButtons(tbody);
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".sahifa-row-move");
      if (button) moveRow(button);
    });
    // Django's inline script renumbers the rows by their place on the page when an added row is
    // removed: it finds them in number order, then they go back to the writer's order.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".inline-deletelink");
      var tbody = link && link.closest("tbody");
      if (!tbody || !tbody.querySelector(".sahifa-row-order")) return;
      placeRows(tbody, orderedRows(tbody).sort(function (a, b) { return rowNumber(a) - rowNumber(b); }));
    }, true);
    // It announces the removal before renumbering: the rows go back once it is done.
    document.addEventListener("formset:removed", function () {
      setTimeout(restoreOrder, 0);
    });
    function restoreOrder() {
      form.querySelectorAll(".js-inline-admin-formset tbody").forEach(function (tbody) {
        if (!tbody.querySelector(".sahifa-row-order")) return;
        var rows = orderedRows(tbody).sort(function (a, b) {
          return parseInt(a.querySelector(".sahifa-row-order").value, 10) -
            parseInt(b.querySelector(".sahifa-row-order").value, 10);
        });
        placeRows(tbody, rows);
        numberRows(tbody);
      });
    }
    document.addEventListener("formset:added", function (event) {
      var tbody = event.target.closest && event.target.closest("tbody");
      if (tbody && tbody.querySelector(".sahifa-row-order")) addMoveButtons(tbody);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("article_form");
    if (!form) return;
    var counter = document.getElementById("sahifa-count");
    var pending = null;
    function later() {
      clearTimeout(pending);
      pending = setTimeout(function () { if (counter) updateCount(form, counter); }, 150);
    }
    form.addEventListener("input", later);
    form.addEventListener("sahifa:language", later);  // language-switch.js
    form.addEventListener("keyup", later);
    // The editors are built after this script runs: dress each as it appears.
    function dressAll() {
      form.querySelectorAll(".ProseMirror[contenteditable]").forEach(dressEditor);
      nameMenu(form);
      form.querySelectorAll('.select2-selection[role="combobox"]:not([aria-label])').forEach(nameCombobox);
      later();
    }
    new MutationObserver(dressAll).observe(form, { childList: true, subtree: true });
    // «Schedule…» needs a time: without one, the date box gets the focus and says so.
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var date = document.getElementById("id_published_at_0");
      if (!button || button.value !== "schedule" || !date || date.value.trim()) return;
      event.preventDefault();
      var hint = document.getElementById("sahifa-schedule-hint");
      if (!hint) {
        hint = document.createElement("p");
        hint.id = "sahifa-schedule-hint";
        hint.className = "errornote";
        hint.setAttribute("role", "alert");
        hint.textContent = _("Choose the date and time of publication, then press «Schedule…» again.");
        date.closest(".form-row").prepend(hint);
      }
      date.focus();
    });
    var desk = form.querySelector(".sahifa-desk");
    var lead = document.getElementById("id_lead_image");
    if (desk && lead) {
      // The autocomplete box announces a pick through jQuery, which native listeners do not hear.
      var $ = window.django && window.django.jQuery;
      if ($) $(lead).on("change", function () { showPhotoCard(desk, lead); });
      else lead.addEventListener("change", function () { showPhotoCard(desk, lead); });
    }
    setUpRowMoves(form);
    dressAll();
  });
})();
