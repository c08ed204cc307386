/* Job search typeahead: suggestions from /api/v1/complete in the query box's datalist.
   Progressive enhancement only: the form works without this script, and any error is ignored. */
(function () {
  "use strict";
  var box = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  if (!box || !list || !window.fetch) { return; }
  var timer = null;
  var asked = "";
  function fill(items) {
    list.textContent = "";
    if (!Array.isArray(items)) { return; }
    items.slice(0, 10).forEach(function (item) {
      if (!item || typeof item.text !== "string") { return; }
      var option = document.createElement("option");
      option.value = item.text;
      if (typeof item.kind === "string") { option.label = item.text + " (" + item.kind + ")"; }
      list.appendChild(option);
    });
  }
  function ask() {
    var text = box.value.trim();
    if (text.length < 2 || text === asked) { return; }
    asked = text;
    fetch("/api/v1/complete?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (box.value.trim() !== text || !body) { return; }
        fill(Array.isArray(body) ? body : body.items);
      })
      .catch(function () { /* typeahead is optional */ });
  }
  box.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
