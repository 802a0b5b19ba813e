// Keyboard shortcuts of the triage page: the key shown in <kbd> on a form submits it, on a link
// follows it. "d" puts the cursor in the decline reason, Ctrl+Enter there declines; "m" puts it
// on the initiative list, Enter there joins. Keys 1-9 pick a decline template, which fills the
// reason. No key acts while the moderator is typing. Without script every button still works.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT" || el.tagName === "SELECT" || el.isContentEditable);
  }
  var template = document.getElementById("template");
  var reason = document.getElementById("reason");
  if (template && reason) {
    template.addEventListener("change", function () {
      var option = template.options[template.selectedIndex];
      reason.value = option.getAttribute("data-text") || "";
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === reason) {
      event.preventDefault();
      reason.form.requestSubmit();
      return;
    }
    if (event.key === "Enter" && event.target.id === "initiative") {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (template && /^[1-9]$/.test(event.key) && template.options.length > Number(event.key)) {
      template.selectedIndex = Number(event.key);
      template.dispatchEvent(new Event("change"));
      reason.focus();
      event.preventDefault();
      return;
    }
    var target = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "A") {
      window.location.href = target.href;
    } else if (target.classList.contains("decline")) {
      reason.focus();
    } else if (target.classList.contains("merge")) {
      target.querySelector("select").focus();
    } else {
      target.requestSubmit();
    }
  });
})();
