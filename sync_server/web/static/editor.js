// The initiative editor's languages as tabs: one language's fields at a time instead of a long
// column. Without script the languages stay side by side and every field is still sent.
(function () {
  "use strict";
  var bar = document.querySelector(".lang-tabs");
  if (!bar) return;
  var tabs = bar.querySelectorAll("[data-tab]");
  var panels = document.querySelectorAll("[data-panel]");
  function show(code) {
    tabs.forEach(function (tab) { tab.setAttribute("aria-selected", tab.getAttribute("data-tab") === code ? "true" : "false"); });
    panels.forEach(function (panel) { panel.hidden = panel.getAttribute("data-panel") !== code; });
  }
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { show(tab.getAttribute("data-tab")); });
  });
  bar.hidden = false;
  document.querySelector(".lang-panels").classList.add("tabbed");
  show(tabs[0].getAttribute("data-tab"));
})();
