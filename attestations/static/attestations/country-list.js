// The citizenship checkboxes, enhanced: a box that filters the list as you type and
// a line saying what is ticked. Without this script the list works as it is (tick,
// scroll, or use the browser's find).
(function () {
  "use strict";

  // Other names people type for a few countries.
  var ALIASES = {
    US: "usa america united states of america",
    GB: "uk britain great britain england scotland wales northern ireland",
    KR: "south korea",
    KP: "north korea",
    RU: "russia",
    CZ: "czech republic",
    NL: "holland",
    AE: "uae emirates"
  };

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(list) {
    var choices = Array.prototype.slice.call(list.querySelectorAll(".choice"));
    var entries = choices.map(function (choice) {
      var box = choice.querySelector("input");
      var name = choice.querySelector("label").textContent;
      return {
        choice: choice,
        box: box,
        name: name,
        words: fold(name + " " + box.value + " " + (ALIASES[box.value] || ""))
      };
    });

    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = list.id + "_filter";
    filter.autocomplete = "off";
    filter.setAttribute("aria-controls", list.id);
    var label = document.createElement("label");
    label.htmlFor = filter.id;
    label.textContent = "Find a country";
    var matches = document.createElement("span");
    matches.className = "visually-hidden";
    matches.setAttribute("aria-live", "polite");
    var ticked = document.createElement("p");
    ticked.className = "ticked";
    ticked.id = list.id + "_ticked";
    ticked.setAttribute("aria-live", "polite");
    filter.setAttribute("aria-describedby", ticked.id);

    var box = document.createElement("div");
    box.className = "country-filter";
    box.append(label, filter, matches, ticked);
    list.parentNode.insertBefore(box, list);

    function showTicked() {
      var names = entries.filter(function (e) { return e.box.checked; })
        .map(function (e) { return e.name; });
      ticked.textContent = names.length
        ? "Ticked: " + names.join(", ") + "."
        : "None ticked (that means stateless).";
    }

    function applyFilter() {
      var wanted = fold(filter.value.trim());
      var shown = 0;
      entries.forEach(function (e) {
        // What is ticked stays in view, so a filter never hides a choice already made.
        var visible = !wanted || e.box.checked || e.words.indexOf(wanted) !== -1;
        e.choice.hidden = !visible;
        if (visible) { shown += 1; }
      });
      matches.textContent = wanted ? shown + (shown === 1 ? " country shown" : " countries shown") : "";
    }

    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      // Enter in the filter ticks the only match instead of sending the form.
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var visible = entries.filter(function (e) { return !e.choice.hidden && !e.box.checked; });
      if (visible.length === 1) {
        visible[0].box.checked = true;
        filter.value = "";
        applyFilter();
        showTicked();
      }
    });
    list.addEventListener("change", showTicked);
    showTicked();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-country-list]"), enhance);
})();
