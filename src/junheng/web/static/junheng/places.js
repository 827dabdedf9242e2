// The school-places map: catchments by warning, schools by the school rule, on a blank background
// (no tile layer, so nothing is fetched from a tile server). Names are uploaded by counties: tooltips and
// popups are built from text nodes (text.js), never from HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("places-data").textContent);
  var colours = { red: "#c62828", yellow: "#f9a825", green: "#2e7d32" };
  var warnings = { red: "红色预警", yellow: "黄色预警", green: "学位充足" };
  var number = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });
  var map = L.map("places-map", { attributionControl: false });
  var layers = L.featureGroup().addTo(map);  // the schools, in a pane above every catchment
  map.createPane("schools").style.zIndex = 450;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function figure(value, unit) {
    return value === null || value === undefined ? "—" : number.format(value) + " " + unit;
  }

  // A popup: a title, then label–value pairs, then links (each given as [text, href]).
  function popup(title, pairs, links) {
    var box = element("div", undefined, "map-popup");
    box.appendChild(element("strong", title));
    var list = element("dl");
    pairs.forEach(function (pair) {
      list.appendChild(element("dt", pair[0]));
      list.appendChild(element("dd", pair[1]));
    });
    box.appendChild(list);
    if (links.length) {
      var row = element("p", undefined, "links");
      links.forEach(function (link) {
        var a = element("a", link[0]);
        a.href = link[1];
        row.appendChild(a);
      });
      box.appendChild(row);
    }
    return box;
  }

  var year = data.year === null ? "" : data.year + " 年";
  // A 学段's catchments at a time: the primary and junior ones cover the same ground and would mix colours.
  var levels = {};
  data.catchments.features.forEach(function (f) {
    var level = f.properties.level;
    (levels[level] = levels[level] || { type: "FeatureCollection", features: [] }).features.push(f);
  });
  var switches = {};
  Object.keys(levels).forEach(function (level) {
    switches[level + "学区"] = catchmentLayer(levels[level]);
  });
  var order = ["小学学区", "初中学区"];
  var names = Object.keys(switches).sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
  if (names.length) { switches[names[0]].addTo(map); }
  if (names.length > 1) { L.control.layers(switches, null, { collapsed: false }).addTo(map); }

  function catchmentLayer(collection) {
    return L.geoJSON(collection, {
      style: function (f) {
        var c = colours[f.properties.warning] || "#9e9e9e";
        return { color: c, weight: 2, fillColor: c, fillOpacity: 0.35 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(junheng.textElement(p.label));
        layer.bindPopup(popup(p.label, [
          ["年度", year || "—"],
          ["学位", figure(p.places, "个")],
          ["需求", figure(p.demand, "人")],
          ["余缺", figure(p.gap, "个")],
          ["预警", warnings[p.warning] || "无学位数据"],
        ], []));
      },
    });
  }

  var rules = { "达标": colours.green, "未达标": colours.red };
  data.schools.forEach(function (s) {
    if (s.lat === null || s.lon === null) { return; }  // listed below the map instead
    var c = rules[s.rule] || "#616161";
    var ring = colours[s.warning] || "#000";
    var links = Object.keys(s.links).map(function (text) { return [text, s.links[text]]; });
    L.circleMarker([s.lat, s.lon], { pane: "schools", radius: 6, color: ring, weight: 2, fillColor: c, fillOpacity: 1 })
      .bindTooltip(junheng.textElement(s.name + "（学校规则：" + s.rule + "）"))
      .bindPopup(popup(s.name, [
        ["学校标识码", s.code],
        ["学区", s.catchment || "—"],
        ["学校规则", s.rule],
        ["在校生", figure(s.students, "人")],
        ["学位", figure(s.places, "个")],
        ["学区预警", warnings[s.warning] || "无学位数据"],
      ], links))
      .addTo(layers);
  });
  var bounds = layers.getBounds();
  names.forEach(function (name) { bounds.extend(switches[name].getBounds()); });
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([0, 0], 2); }
})();
