// The year selector of every page (base.html): choosing a year reloads the same page for it.
(function () {
  "use strict";
  document.querySelectorAll("form.year-picker select[name=year]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
  });
})();
