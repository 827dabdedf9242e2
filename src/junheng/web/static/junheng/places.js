// The school-places map: catchments by warning, schools by the school rule, on a blank background
// (no tile layer, so nothing is fetched from a tile server). Names are uploaded by counties: tooltips get
// them as text elements (text.js), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("places-data").textContent);
  var colours = { red: "#c62828", yellow: "#f9a825", green: "#2e7d32" };
  var map = L.map("places-map", { attributionControl: false });
  var layers = L.featureGroup().addTo(map);
  L.geoJSON(data.catchments, {
    style: function (f) {
      var c = colours[f.properties.warning] || "#9e9e9e";
      return { color: c, weight: 2, fillColor: c, fillOpacity: 0.35 };
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(junheng.textElement(f.properties.name + "（" + f.properties.level + "）"));
    },
  }).addTo(layers);
  var rules = { "达标": colours.green, "未达标": colours.red };
  data.schools.forEach(function (s) {
    if (s.lat === null || s.lon === null) { return; }  // listed below the map instead
    var c = rules[s.rule] || "#616161";
    var ring = colours[s.warning] || "#000";
    L.circleMarker([s.lat, s.lon], { radius: 6, color: ring, weight: 2, fillColor: c, fillOpacity: 1 })
      .bindTooltip(junheng.textElement(s.name + "（学校规则：" + s.rule + "）"))
      .addTo(layers);
  });
  var bounds = layers.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([0, 0], 2); }
})();
