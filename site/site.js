/* Filtering and search, added to pages that are complete without it.
 * A form[data-filter] names the list it filters; each [data-entry] in it is shown when
 * its data-search text holds every word typed and its data-status matches the choice.
 * A [data-group] (a section) is shown when it matches itself or holds a shown entry. */
(function () {
  "use strict";

  function matches(element, words, status) {
    var text = element.getAttribute("data-search") || "";
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) === -1) { return false; }
    }
    return !status || element.getAttribute("data-status") === status;
  }

  function setUp(form) {
    var scope = document.querySelector(form.getAttribute("data-filter"));
    if (!scope) { return; }
    var entries = Array.prototype.slice.call(scope.querySelectorAll("[data-entry]"));
    var groups = Array.prototype.slice.call(scope.querySelectorAll("[data-group]"));
    var text = form.querySelector("input[name=q]");
    var choice = form.querySelector("select[name=status]");
    var count = form.querySelector("[data-count]");
    var total = entries.length + groups.length;

    function apply() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var status = choice ? choice.value : "";
      var shown = 0;
      entries.forEach(function (entry) {
        entry.hidden = !matches(entry, words, status);
        if (!entry.hidden) { shown++; }
      });
      groups.forEach(function (group) {
        var self = matches(group, words, status);
        if (self) { shown++; }
        group.hidden = !self && !group.querySelector("[data-entry]:not([hidden])");
      });
      count.textContent = (words.length || status)
        ? shown + " of " + total + " shown" : "";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-filter]"), setUp);
}());
