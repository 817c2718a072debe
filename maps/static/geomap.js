/* geomap: places <-> statements on a folium/Leaflet map.
 *
 * All report text reaches the page through JSON.parse of an escaped
 * <script type="application/json"> data island and is put into the DOM with
 * textContent / createTextNode only; nothing from a report is ever passed to
 * innerHTML, and Leaflet popups and tooltips receive DOM nodes, not strings.
 * The one exception is a layer switch's label: Leaflet's layer control sets it
 * as innerHTML, so layerLabel escapes it first.  The config passed to init
 * holds no report string.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var UNCATEGORISED = "";

  /* A map from report strings (ids, names, categories): no prototype, so "__proto__" or
   * "constructor" is a key like any other. */
  function dict() {
    return Object.create(null);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    return /^https?:\/\//i.test(url) ? url : null;
  }

  /* Text as HTML that shows it literally: for the one string Leaflet puts into innerHTML. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"'`]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  /* A layer control label: an optional colour swatch, then the label as text. */
  function layerLabel(spec) {
    var swatch = "";
    if (typeof spec.color === "string" && /^#[0-9a-fA-F]{3,8}$/.test(spec.color)) {
      swatch = '<span class="geomap-layer-swatch" style="background:' + spec.color + '"></span>';
    }
    return swatch + escapeHtml(spec.label);
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* Text with spans marked: spans are [start, end, tag] with offsets into text. */
  function markedText(parent, text, spans, markClass) {
    var sorted = spans.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var pos = 0;
    sorted.forEach(function (s) {
      if (s[0] < pos) return; // overlapping span: keep the first
      if (s[0] > pos) parent.appendChild(document.createTextNode(text.slice(pos, s[0])));
      var mark = el("mark", markClass(s), text.slice(s[0], s[1]));
      parent.appendChild(mark);
      pos = s[1];
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
    return parent;
  }

  function hatchPatterns(colors) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    var defs = document.createElementNS(SVGNS, "defs");
    colors.forEach(function (color, i) {
      var p = document.createElementNS(SVGNS, "pattern");
      p.setAttribute("id", "geomap-hatch-" + i);
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "8");
      p.setAttribute("height", "8");
      p.setAttribute("patternTransform", "rotate(45)");
      var bg = document.createElementNS(SVGNS, "rect");
      bg.setAttribute("width", "8");
      bg.setAttribute("height", "8");
      bg.setAttribute("fill", color);
      bg.setAttribute("fill-opacity", "0.08");
      var line = document.createElementNS(SVGNS, "rect");
      line.setAttribute("width", "2.5");
      line.setAttribute("height", "8");
      line.setAttribute("fill", color);
      line.setAttribute("fill-opacity", "0.55");
      p.appendChild(bg);
      p.appendChild(line);
      defs.appendChild(p);
    });
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  function GeoMap(cfg, layerControl) {
    var self = this;
    this.cfg = cfg;
    this.layerControl = layerControl;
    this.data = readJson(cfg.dataId);
    this.map = window[cfg.map];
    this.groups = {};
    this.layers = {};
    this.byPlace = dict();
    this.selected = null;
    this.stNodes = [];
    var data = this.data;
    if (cfg.offline) document.documentElement.classList.add("geomap-offline");
    this.radius = data.features.length > 300 ? 4.5 : 6.5;

    this.catColor = dict();
    data.categories.forEach(function (c, i) { self.catColor[c.name] = i; });
    hatchPatterns(data.categories.map(function (c) { return c.color; }));

    Object.keys(cfg.groups).forEach(function (key) {
      self.groups[key] = window[cfg.groups[key]];
    });
    /* One empty layer per category and per source: a switch in the layer control that the filters
     * read (hidden layer = hidden statements).  Built here so that no label goes through a template. */
    this.filterGroups = { cat: dict(), doc: dict() };
    var filters = data.filters || { categories: [], sources: [] };
    [["cat", filters.categories], ["doc", filters.sources]].forEach(function (pair) {
      pair[1].forEach(function (spec) {
        var layer = L.layerGroup().addTo(self.map);
        if (layerControl) layerControl.addOverlay(layer, layerLabel(spec));
        self.filterGroups[pair[0]][spec.key] = layer;
      });
    });

    this.dateFrom = null;
    this.dateTo = null;

    if (data.basemap && this.groups.basemap) this.drawBasemap(data.basemap);
    this.drawFeatures();
    this.buildPanel();
    this.map.attributionControl.addAttribution(cfg.attribution);
    this.map.on("overlayadd overlayremove", function () { self.applyFilters(); });
    this.applyFilters();
    this.fitAll();
    this.ready = true;
    document.documentElement.setAttribute("data-geomap-ready", "1");
  }

  GeoMap.prototype.color = function (props) {
    if (props.role === "actor") return this.cfg.actorColor;
    var i = this.catColor[props.cat];
    return i === undefined ? this.cfg.defaultColor : this.data.categories[i].color;
  };

  GeoMap.prototype.style = function (feature) {
    var p = feature.properties;
    var color = this.color(p);
    var geomType = feature.geometry.type;
    if (p.role === "actor") {
      return { color: color, weight: 1.5, dashArray: "2 4", fillColor: color, fillOpacity: 0.06,
               opacity: 0.8, radius: 5 };
    }
    if (p.role === "dateline" && geomType.indexOf("Point") >= 0) {
      return { color: "#222", weight: 2.5, fillColor: "#fff", fillOpacity: 1, radius: this.radius, opacity: 1 };
    }
    if (geomType.indexOf("Point") >= 0) {
      return { color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.95, radius: this.radius, opacity: 1 };
    }
    if (geomType.indexOf("LineString") >= 0) {
      return { color: color, weight: 5, dashArray: "10 7", lineCap: "butt", opacity: 0.95 };
    }
    var s = { color: color, weight: 1.5, opacity: 0.9, fillColor: color, fillOpacity: 0.12 };
    if (p.kind === "ring" || p.kind === "suburbs") {
      s.dashArray = "6 4";
      s.weight = 2;
      s.fillOpacity = 0.18;
    } else if (p.precision === 2) {
      var i = this.catColor[p.cat];
      if (i !== undefined) { s.fillColor = "url(#geomap-hatch-" + i + ")"; s.fillOpacity = 1; }
      s.weight = 1.2;
    } else if (p.precision >= 3) {
      s.fillOpacity = 0.08;
      s.weight = 1;
    }
    return s;
  };

  GeoMap.prototype.drawBasemap = function (basemap) {
    var pane = this.map.createPane("geomap-basemap");
    pane.style.zIndex = 250;
    L.geoJSON(basemap, {
      pane: "geomap-basemap",
      interactive: false,
      style: function () {
        return { color: "#a9a9a9", weight: 0.7, fillColor: "#ececea", fillOpacity: 1, opacity: 1 };
      },
    }).addTo(this.groups.basemap);
  };

  GeoMap.prototype.drawFeatures = function () {
    var self = this;
    var byGroup = {};
    this.data.features.forEach(function (f, i) {
      f.properties._i = i;
      (byGroup[f.properties.group] = byGroup[f.properties.group] || []).push(f);
    });
    Object.keys(this.groups).forEach(function (key) {
      if (key === "basemap") return;
      var gj = L.geoJSON(
        { type: "FeatureCollection", features: byGroup[key] || [] },
        {
          style: function (f) { return self.style(f); },
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, self.style(f)); },
          onEachFeature: function (f, layer) {
            (self.byPlace[f.properties.id] = self.byPlace[f.properties.id] || []).push(layer);
            layer.bindTooltip(function () {
              return document.createTextNode(f.properties.name);
            }, { sticky: true, direction: "top", className: "geomap-tip" });
            layer.bindPopup(function () { return self.popup(f); },
                            { maxWidth: 380, minWidth: 240, maxHeight: 340, className: "geomap-popup" });
            layer.on("popupopen", function () { self.markPanel(f.properties.st); });
          },
        }
      );
      gj.addTo(self.groups[key]);
      self.layers[key] = gj;
    });
    this.allLayers = [];
    Object.keys(this.layers).forEach(function (key) {
      self.layers[key].eachLayer(function (l) { self.allLayers.push([key, l]); });
    });
  };

  GeoMap.prototype.statementMeta = function (st, withTitle) {
    var meta = el("div", "geomap-meta");
    var doc = this.data.docs[st.doc] || {};
    var parts = [];
    if (st.d) parts.push(el("span", "geomap-date", st.d));
    if (st.sp) parts.push(el("span", "geomap-speaker", st.sp));
    var srcText = doc.source || doc.title || st.doc;
    var url = safeUrl(doc.url);
    var src;
    if (url) {
      src = el("a", "geomap-source", srcText);
      src.href = url;
      src.target = "_blank";
      src.rel = "noopener noreferrer";
    } else {
      src = el("span", "geomap-source", srcText);
    }
    if (withTitle && doc.title) src.title = doc.title;
    parts.push(src);
    parts.forEach(function (p, i) {
      if (i) meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(p);
    });
    return meta;
  };

  GeoMap.prototype.popup = function (f) {
    var self = this;
    var p = f.properties;
    var box = el("div", "geomap-pop");
    box.appendChild(el("div", "geomap-pop-name", p.name));
    var sub = [p.kindLabel];
    if (p.cc) sub.push(p.cc);
    if (p.role !== "location") sub.push(p.role);
    box.appendChild(el("div", "geomap-pop-sub", sub.join(" · ")));
    var list = el("ol", "geomap-pop-list");
    var limit = 25;
    p.st.slice(0, limit).forEach(function (si) {
      var st = self.data.statements[si];
      var li = el("li", "geomap-pop-st");
      var q = el("q", "geomap-quote");
      var spans = st.m.filter(function (m) { return m[2] === p._i; });
      markedText(q, st.t, spans, function () { return "geomap-mark-this"; });
      li.appendChild(q);
      li.appendChild(self.statementMeta(st, true));
      var go = el("button", "geomap-linkbtn", "show in list");
      go.type = "button";
      go.addEventListener("click", function () { self.select(si, { scroll: true, fit: false }); });
      li.appendChild(go);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (p.st.length > limit) box.appendChild(el("div", "geomap-more", "and " + (p.st.length - limit) + " more"));
    if (!p.st.length) box.appendChild(el("div", "geomap-more", "no statement"));
    return box;
  };

  GeoMap.prototype.buildPanel = function () {
    var self = this;
    var data = this.data;
    var panel = document.getElementById(this.cfg.panelId);
    this.panel = panel;
    var head = el("div", "geomap-head");
    head.appendChild(el("h1", "geomap-title", data.title));
    var counts = el("div", "geomap-counts");
    this.countsNode = counts;
    head.appendChild(counts);

    var search = el("div", "geomap-search");
    var input = el("input", "geomap-search-input");
    input.type = "search";
    input.placeholder = "Find a place…";
    input.setAttribute("aria-label", "Find a place");
    input.setAttribute("list", "geomap-place-names");
    var names = el("datalist");
    names.id = "geomap-place-names";
    var seen = dict();
    data.features.forEach(function (f) {
      if (seen[f.properties.name]) return;
      seen[f.properties.name] = 1;
      var o = el("option");
      o.value = f.properties.name;
      names.appendChild(o);
    });
    search.appendChild(input);
    search.appendChild(names);
    input.addEventListener("change", function () { self.find(input.value); });
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") self.find(input.value); });
    head.appendChild(search);
    this.searchInput = input;

    if (data.dates.length > 1) {
      var time = el("div", "geomap-time");
      var mk = function (label, initial) {
        var wrap = el("label", "geomap-time-label", label + " ");
        var sel = el("select", "geomap-time-select");
        data.dates.forEach(function (d) {
          var o = el("option", null, d);
          o.value = d;
          sel.appendChild(o);
        });
        sel.value = initial;
        wrap.appendChild(sel);
        time.appendChild(wrap);
        return sel;
      };
      this.fromSel = mk("From", data.dates[0]);
      this.toSel = mk("to", data.dates[data.dates.length - 1]);
      var onTime = function () {
        self.dateFrom = self.fromSel.value;
        self.dateTo = self.toSel.value;
        if (self.dateFrom > self.dateTo) {
          var t = self.dateFrom; self.dateFrom = self.dateTo; self.dateTo = t;
        }
        self.applyFilters();
      };
      this.fromSel.addEventListener("change", onTime);
      this.toSel.addEventListener("change", onTime);
      head.appendChild(time);
    }
    panel.appendChild(head);

    var list = el("div", "geomap-list");
    list.setAttribute("role", "list");
    this.listNode = list;
    var frag = document.createDocumentFragment();
    var lastDoc = null;
    data.statements.forEach(function (st, si) {
      if (st.doc !== lastDoc) {
        var doc = data.docs[st.doc] || {};
        var dh = el("div", "geomap-doc", doc.title || doc.source || st.doc);
        dh.setAttribute("data-doc", st.doc);
        frag.appendChild(dh);
        lastDoc = st.doc;
      }
      var item = el("div", "geomap-st");
      item.setAttribute("role", "listitem");
      item.setAttribute("tabindex", "0");
      item.setAttribute("data-statement", st.id);
      item.appendChild(self.statementMeta(st, false));
      var p = el("p", "geomap-text");
      markedText(p, st.t, st.m, function (s) {
        return s[2] < 0 ? "geomap-mark-unresolved" : "geomap-mark";
      });
      item.appendChild(p);
      if (st.c.length) {
        var tags = el("div", "geomap-tags");
        st.c.forEach(function (c) {
          var tag = el("span", "geomap-tag", c.replace(/_/g, " "));
          var i = self.catColor[c];
          if (i !== undefined) tag.style.borderColor = data.categories[i].color;
          tags.appendChild(tag);
        });
        item.appendChild(tags);
      }
      item.addEventListener("click", function (e) {
        if (e.target && e.target.tagName === "A") return;
        self.select(si, { fit: true });
      });
      item.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); self.select(si, { fit: true }); }
      });
      self.stNodes.push(item);
      frag.appendChild(item);
    });
    list.appendChild(frag);
    panel.appendChild(list);
  };

  GeoMap.prototype.statementVisible = function (st) {
    var self = this;
    if (this.dateFrom && st.d && (st.d < this.dateFrom || st.d > this.dateTo)) return false;
    var dl = this.filterGroups.doc[st.doc];
    if (dl && !this.map.hasLayer(dl)) return false;
    var cats = st.c.length ? st.c : [UNCATEGORISED];
    return cats.some(function (c) {
      var g = self.filterGroups.cat[c];
      return !g || self.map.hasLayer(g);
    });
  };

  GeoMap.prototype.applyFilters = function () {
    var self = this;
    var stVis = this.data.statements.map(function (st) { return self.statementVisible(st); });
    this.stVisible = stVis;
    this.stNodes.forEach(function (node, i) { node.classList.toggle("geomap-hidden", !stVis[i]); });
    var shown = 0;
    this.allLayers.forEach(function (pair) {
      var gj = self.layers[pair[0]], layer = pair[1];
      var sts = layer.feature.properties.st;
      var vis = !sts.length || sts.some(function (i) { return stVis[i]; });
      if (vis && !gj.hasLayer(layer)) gj.addLayer(layer);
      else if (!vis && gj.hasLayer(layer)) gj.removeLayer(layer);
      if (vis && self.map.hasLayer(self.groups[pair[0]])) shown += 1;
    });
    var nst = stVis.filter(Boolean).length;
    this.countsNode.textContent = shown + " of " + this.allLayers.length + " places shown · " +
      nst + " of " + stVis.length + " statements";
  };

  GeoMap.prototype.clearHighlight = function () {
    var self = this;
    (this.highlighted || []).forEach(function (pair) {
      var layer = pair[1];
      self.layers[pair[0]].resetStyle(layer);
      var node = layer.getElement && layer.getElement();
      if (node) node.classList.remove("geomap-hl");
    });
    this.highlighted = [];
    this.stNodes.forEach(function (n) { n.classList.remove("geomap-selected", "geomap-related"); });
  };

  GeoMap.prototype.layersOf = function (featureIndex) {
    var f = this.data.features[featureIndex];
    var group = f.properties.group;
    return (this.byPlace[f.properties.id] || []).map(function (l) { return [group, l]; });
  };

  GeoMap.prototype.select = function (si, opts) {
    var self = this;
    opts = opts || {};
    this.clearHighlight();
    var st = this.data.statements[si];
    this.selected = si;
    var node = this.stNodes[si];
    node.classList.add("geomap-selected");
    if (opts.scroll) node.scrollIntoView({ block: "nearest" });
    var bounds = L.latLngBounds([]);
    var fallback = L.latLngBounds([]);
    st.p.forEach(function (fi) {
      self.layersOf(fi).forEach(function (pair) {
        var layer = pair[1];
        layer.setStyle({ color: self.cfg.highlightColor, weight: 4, opacity: 1 });
        var el2 = layer.getElement && layer.getElement();
        if (el2) el2.classList.add("geomap-hl");
        if (layer.bringToFront && self.map.hasLayer(layer)) layer.bringToFront();
        self.highlighted.push(pair);
        var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
        fallback.extend(b);
        if (self.map.hasLayer(layer)) bounds.extend(b);
      });
    });
    var target = bounds.isValid() ? bounds : fallback;
    if (opts.fit !== false && target.isValid()) {
      this.map.fitBounds(target, { padding: [40, 40], maxZoom: 9 });
    }
    return st.p.length;
  };

  GeoMap.prototype.markPanel = function (sts) {
    var self = this;
    this.stNodes.forEach(function (n) { n.classList.remove("geomap-related"); });
    sts.forEach(function (i) { self.stNodes[i].classList.add("geomap-related"); });
    if (sts.length) this.stNodes[sts[0]].scrollIntoView({ block: "nearest" });
  };

  GeoMap.prototype.find = function (query) {
    var q = String(query || "").trim().toLowerCase();
    if (!q) return null;
    var feats = this.data.features;
    var pick = null;
    var tests = [
      function (n) { return n === q; },
      function (n) { return n.indexOf(q) === 0; },
      function (n) { return n.indexOf(q) >= 0; },
    ];
    for (var t = 0; t < tests.length && pick === null; t++) {
      for (var i = 0; i < feats.length; i++) {
        if (tests[t](feats[i].properties.name.toLowerCase())) { pick = i; break; }
      }
    }
    if (pick === null) {
      this.searchInput.classList.add("geomap-notfound");
      return null;
    }
    this.searchInput.classList.remove("geomap-notfound");
    return this.openPlace(pick);
  };

  GeoMap.prototype.openPlace = function (fi) {
    var f = this.data.features[fi];
    var group = this.groups[f.properties.group];
    if (!this.map.hasLayer(group)) this.map.addLayer(group);
    var layers = this.byPlace[f.properties.id] || [];
    if (!layers.length) return null;
    var layer = layers[0];
    var gj = this.layers[f.properties.group];
    if (!gj.hasLayer(layer)) gj.addLayer(layer);
    var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
    this.map.fitBounds(b, { padding: [40, 40], maxZoom: 9 });
    layer.openPopup(layer.getCenter ? undefined : layer.getLatLng());
    return f.properties.name;
  };

  GeoMap.prototype.fitAll = function () {
    var self = this;
    var b = L.latLngBounds([]);
    Object.keys(this.layers).forEach(function (key) {
      if (!self.map.hasLayer(self.groups[key])) return;
      var lb = self.layers[key].getBounds();
      if (lb.isValid()) b.extend(lb);
    });
    if (b.isValid()) this.map.fitBounds(b, { padding: [30, 30], maxZoom: 8, animate: false });
  };

  /* Counts for tests and for anyone scripting the page. */
  GeoMap.prototype.count = function (key) {
    var gj = this.layers[key];
    return gj ? gj.getLayers().length : 0;
  };
  GeoMap.prototype.countOnMap = function (key) {
    return this.map.hasLayer(this.groups[key]) ? this.count(key) : 0;
  };

  function Legend(geomap, position) {
    var data = geomap.data;
    var ctl = L.control({ position: position || "bottomleft" });
    ctl.onAdd = function () {
      var box = el("div", "geomap-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var toggle = el("button", "geomap-legend-toggle", "Legend");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "true");
      var body = el("div", "geomap-legend-body");
      toggle.addEventListener("click", function () {
        var open = body.style.display !== "none";
        body.style.display = open ? "none" : "";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
      });
      box.appendChild(toggle);
      if (data.categories.length) {
        body.appendChild(el("div", "geomap-legend-h", "Activity"));
        data.categories.forEach(function (c) {
          var row = el("div", "geomap-legend-row");
          row.appendChild(swatch({ kind: "point", color: c.color }));
          row.appendChild(el("span", null, c.label));
          body.appendChild(row);
        });
      }
      body.appendChild(el("div", "geomap-legend-h", "Places"));
      data.kinds.forEach(function (k) {
        var row = el("div", "geomap-legend-row");
        row.appendChild(swatch({ kind: k.key, color: "#555" }));
        row.appendChild(el("span", null, k.label));
        body.appendChild(row);
      });
      box.appendChild(body);
      return box;
    };
    return ctl;
  }

  function swatch(spec) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "geomap-swatch");
    var shape;
    var c = spec.color;
    function attrs(node, a) { Object.keys(a).forEach(function (k) { node.setAttribute(k, a[k]); }); return node; }
    switch (spec.kind) {
      case "point":
        shape = attrs(document.createElementNS(SVGNS, "circle"),
                      { cx: 11, cy: 7, r: 5, fill: c, stroke: "#fff", "stroke-width": 1.5 });
        break;
      case "dateline":
        shape = attrs(document.createElementNS(SVGNS, "circle"),
                      { cx: 11, cy: 7, r: 4.5, fill: "#fff", stroke: "#222", "stroke-width": 2.2 });
        break;
      case "border":
        shape = attrs(document.createElementNS(SVGNS, "line"),
                      { x1: 1, y1: 7, x2: 21, y2: 7, stroke: c, "stroke-width": 4, "stroke-dasharray": "6 3" });
        break;
      case "ring":
        shape = attrs(document.createElementNS(SVGNS, "rect"),
                      { x: 2, y: 2, width: 18, height: 10, fill: c, "fill-opacity": 0.18, stroke: c,
                        "stroke-width": 1.5, "stroke-dasharray": "4 2" });
        break;
      case "part":
        shape = attrs(document.createElementNS(SVGNS, "rect"),
                      { x: 2, y: 2, width: 18, height: 10, fill: "url(#geomap-hatch-legend)", stroke: c,
                        "stroke-width": 1 });
        break;
      case "actor":
        shape = attrs(document.createElementNS(SVGNS, "rect"),
                      { x: 2, y: 2, width: 18, height: 10, fill: "#888", "fill-opacity": 0.1, stroke: "#888",
                        "stroke-width": 1.5, "stroke-dasharray": "1.5 2.5" });
        break;
      default: // region
        shape = attrs(document.createElementNS(SVGNS, "rect"),
                      { x: 2, y: 2, width: 18, height: 10, fill: c, "fill-opacity": 0.12, stroke: c,
                        "stroke-width": 1 });
    }
    if (spec.kind === "part") {
      var defs = document.createElementNS(SVGNS, "defs");
      var p = attrs(document.createElementNS(SVGNS, "pattern"),
                    { id: "geomap-hatch-legend", patternUnits: "userSpaceOnUse", width: 5, height: 5,
                      patternTransform: "rotate(45)" });
      p.appendChild(attrs(document.createElementNS(SVGNS, "rect"), { width: 1.6, height: 5, fill: c }));
      defs.appendChild(p);
      svg.appendChild(defs);
    }
    svg.appendChild(shape);
    return svg;
  }

  window.GeoMapApp = {
    init: function (cfg, layerControl) {
      var gm = new GeoMap(cfg, layerControl);
      window.geomap = gm;
      return gm;
    },
    legend: function (position) {
      var gm = window.geomap;
      gm.legend = Legend(gm, position).addTo(gm.map);
      return gm.legend;
    },
  };
})();
