// Tables with class "sortable": a click on a column's header sorts the rows by that column, a second click
// reverses the order. A cell's data-sort value is used when present (figures, years), else its text.
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-CN", { numeric: true });

  function key(cell) {
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var number = value === "" ? NaN : Number(value);
    return { empty: value === "", number: number, text: value };
  }

  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : a.empty ? 1 : -1; }  // blanks last
    if (!isNaN(a.number) && !isNaN(b.number)) { return a.number - b.number; }
    return collator.compare(a.text, b.text);
  }

  function sortBy(table, header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(key(r1.cells[index]), key(r2.cells[index]));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = "点击排序";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  });
})();
