// The tracker's "select every school waiting" box: ticks or clears every 待审核 row shown.
(function () {
  "use strict";
  const all = document.querySelector("[data-pick-all]");
  if (!all) return;
  const boxes = Array.from(document.querySelectorAll("input[name=record][form=bulk]"));
  all.addEventListener("change", () => {
    for (const box of boxes) box.checked = all.checked;
  });
  for (const box of boxes) {
    box.addEventListener("change", () => {
      const ticked = boxes.filter((b) => b.checked).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }
})();
