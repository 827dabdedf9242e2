/* The dashboards' charts, sortable tables and year selector. No framework, no network: the option of
   each chart is a JSON script element written by the server (src/junheng/web/dashboards/charts.py). */
(function () {
  "use strict";

  // ECharts renders a tooltip formatter's answer as HTML: every name and value is escaped (text.js).
  var encode = window.junheng.escapeHTML;

  function pointText(p) {
    var data = p.data || {};
    return encode(data.tip !== undefined ? data.tip : p.value === null || p.value === undefined ? "—" : String(p.value));
  }

  // Each point carries its own wording (`tip`), so the tooltip says what the tables say.
  function tooltip(params) {
    if (Array.isArray(params)) {
      var lines = params.length ? [encode(params[0].axisValueLabel)] : [];
      params.forEach(function (p) { lines.push(p.marker + encode(p.seriesName) + "：" + pointText(p)); });
      return lines.join("<br>");
    }
    return pointText(params);
  }

  function drawCharts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      option.tooltip = Object.assign({ confine: true }, option.tooltip || {}, { formatter: tooltip });
      var chart = window.echarts.init(element, null, { locale: "ZH" });
      chart.setOption(option);
      // A bar or point with a `url` opens the data behind it.
      chart.on("click", function (p) {
        if (p.data && p.data.url) { window.location.href = p.data.url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (!numeric) { return raw; }
    var number = parseFloat(raw);
    return isNaN(number) ? null : number;
  }

  // Sorts a table.sortable by the clicked column: numbers by value (empty cells last), text by pinyin.
  function makeSortable(table) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (header, index) {
      var kind = header.getAttribute("data-sort");
      if (!kind) { return; }
      header.classList.add("sortable-header");
      header.setAttribute("tabindex", "0");
      header.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { if (h.hasAttribute("data-sort")) { h.setAttribute("aria-sort", "none"); } });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = kind === "number";
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
          if (x === null || x === "") { return y === null || y === "" ? 0 : 1; }
          if (y === null || y === "") { return -1; }
          var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-Hans-CN");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
