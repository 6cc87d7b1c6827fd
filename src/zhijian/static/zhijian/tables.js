// Small screens: every table becomes one card per row (site.css), each cell labelled with its column's
// heading, so no column is ever hidden on a phone. Tables marked data-keep-layout scroll sideways.
(function () {
  function label(table) {
    if (table.dataset.labelled || table.dataset.keepLayout !== undefined) return;
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.replace(/[▲▼↕]/g, "").trim(); });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (tr) {
      var i = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        if (names[i] && !td.hasAttribute("data-label")) td.setAttribute("data-label", names[i]);
        i += td.colSpan || 1;
      });
    });
    table.classList.add("cards-on-phone");
    table.dataset.labelled = "1";
  }
  function labelAll(root) { (root || document).querySelectorAll("table").forEach(label); }
  document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
  document.addEventListener("htmx:afterSwap", function (e) { labelAll(e.target); });
})();
