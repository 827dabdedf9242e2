// Names from the database (schools, catchments, series) shown in Leaflet's and ECharts' tooltips, which
// both take HTML: every such name goes through here, so that it is shown as text and never run as markup.
(function () {
  "use strict";
  var junheng = (window.junheng = window.junheng || {});
  var entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  // For APIs that want an HTML string (an ECharts tooltip formatter).
  junheng.escapeHTML = function (value) {
    return String(value).replace(/[&<>"']/g, function (c) { return entities[c]; });
  };

  // For APIs that take an element (Leaflet's bindTooltip): a text node, nothing parsed at all.
  junheng.textElement = function (value) {
    var span = document.createElement("span");
    span.textContent = String(value);
    return span;
  };
})();
