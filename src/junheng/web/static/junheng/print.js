// A button marked data-print prints the page (the survey's QR-code sheet); no inline handler, so the
// Content-Security-Policy can forbid them all.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
