/* {{ page.name }} status widget. Include with <script src=".../embed.js" async></script>;
   optional data-target="element id" to render into, data-style="badge" for a small pill. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/embed\.js(\?.*)?$/, "");
  var texts = {{ texts|safe }};
  var colours = {none: "#2e7d32", minor: "#f9a825", major: "#ef6c00", critical: "#c62828", maintenance: "#1565c0"};
  var box = document.createElement("a");
  box.href = base;
  box.target = "_blank";
  box.rel = "noopener";
  var dot = document.createElement("span");
  var label = document.createElement("span");
  label.textContent = texts.loading;
  box.appendChild(dot);
  box.appendChild(label);
  var s = box.style;
  s.display = "inline-flex"; s.alignItems = "center"; s.gap = "0.5em"; s.padding = "0.45em 0.8em";
  s.border = "1px solid #ddd"; s.borderRadius = "2em"; s.font = "14px/1.3 system-ui, sans-serif";
  s.color = "#222"; s.background = "#fff"; s.textDecoration = "none";
  var d = dot.style;
  d.display = "inline-block"; d.width = "0.7em"; d.height = "0.7em"; d.borderRadius = "50%"; d.background = "#999";
  var target = script.dataset.target && document.getElementById(script.dataset.target);
  if (target) { target.appendChild(box); } else { script.parentNode.insertBefore(box, script.nextSibling); }
  function show(status) {
    d.background = colours[status.indicator] || "#999";
    label.textContent = status.description;
    box.title = texts.more;
  }
  fetch(base + "api/v2/status.json", {credentials: "omit"})
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) { show(data.status); })
    .catch(function () { label.textContent = texts.error; });
})();
