// Tables sorted by a click on a column header (rows stay inside their pilier group;
// secret and undefined cells last), and the year choice that shows one period at a time.
(function () {
  "use strict";
  function number(cell) {
    var v = cell.getAttribute("data-v");
    return v === null || v === "" ? null : parseFloat(v);
  }
  function compare(a, b, col, asc) {
    var x = a.children[col], y = b.children[col];
    var nx = number(x), ny = number(y);
    if (nx === null && ny === null) {
      var t = x.textContent.localeCompare(y.textContent, "fr");
      return asc ? t : -t;
    }
    if (nx === null) { return 1; }
    if (ny === null) { return -1; }
    return asc ? nx - ny : ny - nx;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        table.querySelectorAll("tbody").forEach(function (body) {
          var rows = Array.prototype.slice.call(body.querySelectorAll("tr.ligne"));
          rows.sort(function (a, b) { return compare(a, b, col, asc); });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  });
  var choice = document.getElementById("choix-periode");
  if (choice) {
    var show = function () {
      document.querySelectorAll("[data-periode]").forEach(function (s) {
        s.hidden = s.getAttribute("data-periode") !== choice.value;
      });
      window.dispatchEvent(new Event("resize"));  // charts take their visible width
    };
    choice.addEventListener("change", show);
    show();
  }
})();
