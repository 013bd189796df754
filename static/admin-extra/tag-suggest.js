/* Suggests existing tags while an editor types in the tags box.
   Tags are separated by «،» or «,»; suggestions complete the tag being typed
   and keep the ones already written. Uses the admin's own autocomplete view. */
(function () {
  "use strict";
  function setup(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    var endpoint = input.dataset.autocompleteUrl;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value;
        var cut = Math.max(value.lastIndexOf("،"), value.lastIndexOf(","));
        var done = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
        var term = value.slice(cut + 1).trim();
        if (term.length < 1) { list.replaceChildren(); return; }
        var url = endpoint + "?app_label=articles&model_name=article&field_name=tags&term=" + encodeURIComponent(term);
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.results.map(function (item) {
              var option = document.createElement("option");
              option.value = done + item.text;
              return option;
            }));
          })
          .catch(function () { list.replaceChildren(); });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete-url][name='tags']").forEach(setup);
  });
})();
