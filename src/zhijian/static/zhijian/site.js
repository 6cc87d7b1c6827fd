// 长者模式 (large text): remembered on this device; the class is set before first paint by the
// <html> tag's data attribute being read here as early as the deferred script runs.
(function () {
  var KEY = "zhijian.largeText";
  function apply(on) {
    document.documentElement.classList.toggle("large-text", on);
    var button = document.getElementById("large-text-toggle");
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "标准字号" : "长者模式";
    }
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { stored = false; }
  apply(stored);
  document.addEventListener("DOMContentLoaded", function () {
    apply(document.documentElement.classList.contains("large-text"));
    var button = document.getElementById("large-text-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var on = !document.documentElement.classList.contains("large-text");
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      apply(on);
    });
  });
})();
