// The war room's countdown to the next customer update. The live panel is re-rendered by htmx
// every few seconds; this only keeps the seconds ticking in between (no inline script: CSP).
(function () {
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.dataset.countdown);
      if (isNaN(due)) {
        return;
      }
      var left = Math.round((due - Date.now()) / 1000);
      var abs = Math.abs(left);
      var text = Math.floor(abs / 60) + ":" + pad(abs % 60);
      el.textContent = left >= 0 ? text : (el.dataset.overdueLabel || "-") + " " + text;
      var box = el.closest(".war-next");
      if (box) {
        box.classList.toggle("war-overdue", left < 0);
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
})();
