// Shared behaviour of lists and forms (no inline scripts, so the CSP can forbid them):
// - data-confirm="…" on a form (or its submit button) asks before a consequential decision is sent;
// - select[data-autosubmit] submits its form on change (the 确定 button stays for no-JS users);
// - input[data-filter-options="ID"] narrows the options of select#ID (the GB/T 4754 industry tree)
//   to those whose text holds what was typed; a section stays while any of its divisions matches.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  function filterOptions(input) {
    var select = document.getElementById(input.getAttribute("data-filter-options"));
    if (!select) return;
    var term = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var any = false;
      var groupHit = group.label.toLowerCase().indexOf(term) !== -1;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var hit = !term || groupHit || option.textContent.toLowerCase().indexOf(term) !== -1 || option.selected;
        option.hidden = !hit;
        option.disabled = !hit && !option.selected;
        any = any || hit;
      });
      group.hidden = !any;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("input[data-filter-options]").forEach(function (input) {
      input.hidden = false;
      input.addEventListener("input", function () { filterOptions(input); });
    });
  });
})();
