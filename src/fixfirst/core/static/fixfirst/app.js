// Small behaviours that would otherwise need inline script (forbidden by our CSP).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.classList && el.classList.contains("autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest("[data-copy]");
  if (el && navigator.clipboard) {
    navigator.clipboard.writeText(document.getElementById(el.dataset.copy).textContent.trim());
    el.textContent = el.dataset.copied || "Copied";
  }
});
// Integration form: sections marked data-show-for-kind="webhook" show only for that tool
// (never hidden while they hold an error).
(function () {
  function syncKind() {
    var kind = document.getElementById("id_kind");
    if (!kind) {
      return;
    }
    document.querySelectorAll("[data-show-for-kind]").forEach(function (el) {
      var wanted = el.dataset.showForKind.split(" ").indexOf(kind.value) !== -1;
      el.hidden = !wanted && !el.querySelector(".errorlist");
    });
  }
  document.addEventListener("DOMContentLoaded", syncKind);
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_kind") {
      syncKind();
    }
  });
})();
