/* geomap: places <-> statements on a folium/Leaflet map.
 *
 * All report text reaches the page through JSON.parse of the data island and is
 * put into the DOM with textContent / createTextNode only; nothing from a report
 * is ever passed to innerHTML, and Leaflet popups and tooltips receive DOM nodes,
 * not strings.  The config passed to init holds no report string.  The island is
 * a <script type="application/json"> element holding escaped JSON, or, for a
 * large map, a <script type="text/plain" data-encoding="deflate;base64"> element
 * holding the same JSON zlib-compressed and base64-encoded, unpacked here with the
 * browser's DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+).
 *
 * The page works with no network: Leaflet 1.9.3 (BSD-2-Clause) and
 * Leaflet.markercluster 1.1.0 (MIT, github.com/Leaflet/Leaflet.markercluster), the
 * copies that the folium-offline package ships, are inlined by maps/_html.py, the Natural Earth basemap is drawn underneath, and online
 * tiles (data.tiles) are added over it only after a first tile has loaded.  The
 * statements panel is built before anything is drawn on the map, and if the map
 * cannot be made at all (no Leaflet) a plain list of the statements is shown.
 *
 * The statement list is windowed: only the rows within OVERSCAN px of what is seen
 * are in the DOM, between two spacers whose heights stand for the rest (rows are
 * measured once drawn, estimated from their text until then), so 50,000 statements
 * cost the DOM a few dozen rows.  performance.mark() names the start-up phases
 * ("geomap-data", "geomap-panel", ... "geomap-ready") for benchmarks/bench_maps.py.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var UNCATEGORISED = "";
  var OVERSCAN = 600; // px of the statement list rendered above and below what is seen
  var PRINT_ROWS = 3000; // statements put on paper at most
  var LAZY_OPTIONS = 300; // above this many places or reports, their pick lists are built on first use
  var LEGEND_KEY = "geomap.legendOpen";

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

  function button(cls, text, label) {
    var b = el("button", cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    return /^https?:\/\//i.test(url) ? url : null;
  }

  /* performance.mark for the start-up phases (read by benchmarks/bench_maps.py). */
  function mark(name) {
    try { if (window.performance && performance.mark) performance.mark(name); } catch (e) { /* old browser */ }
  }

  var NO_INFLATE = "this browser cannot unpack the statements stored in this page (it needs " +
    "DecompressionStream: Chrome or Edge 80+, Firefox 113+, Safari 16.4+); open the file in a newer browser";

  /* The data island: done(data) is called at once for plain JSON, after unpacking for a compressed
   * island; fail(reason) if it cannot be read. */
  function readIsland(id, done, fail) {
    var node = document.getElementById(id);
    if (!node) { fail("the page has no data"); return; }
    var encoding = node.getAttribute("data-encoding");
    if (!encoding) { done(JSON.parse(node.textContent)); return; }
    if (encoding !== "deflate;base64") { fail("unknown data encoding"); return; }
    if (typeof DecompressionStream === "undefined" || typeof Response === "undefined" || !window.Blob) {
      fail(NO_INFLATE);
      return;
    }
    var text = node.textContent;
    node.textContent = ""; // the page keeps one copy of the data, not two
    var bin = atob(text.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    bin = text = null;
    mark("geomap-island-decoded");
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    new Response(stream).text().then(function (json) {
      mark("geomap-island-inflated");
      done(JSON.parse(json));
    }, function (e) { fail("the statements stored in this page are damaged (" + e + ")"); });
  }

  /* Lower case, accents and apostrophes gone: "Ḩarastā" -> "harasta", "Dūmā" -> "duma". */
  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u02b9-\u02bf'\u2018\u2019`]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function storeGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storeSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode, file:// */ }
  }

  /* Text with spans marked: spans are [start, end, tag] with offsets into text. */
  function markedText(parent, text, spans, markClass) {
    var sorted = spans.slice().sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var pos = 0;
    sorted.forEach(function (s) {
      if (s[0] < pos) return; // overlapping span: keep the first
      if (s[0] > pos) parent.appendChild(document.createTextNode(text.slice(pos, s[0])));
      parent.appendChild(el("mark", markClass(s), text.slice(s[0], s[1])));
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

  function day(iso) { return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 864e5; }
  function iso(d) { return new Date(d * 864e5).toISOString().slice(0, 10); }

  function csvCell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // no formula when opened in a spreadsheet
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // --- the app --------------------------------------------------------------------------------

  /* The app is made in two steps, so that the page is drawn once, at its final view:
   * the constructor reads the filters from the URL and builds the panel; start() (run once the
   * legend is known) adds the legend, fits the view to the data, then draws the places into it. */
  function GeoMap(cfg, layerControl, data) {
    var self = this;
    this.cfg = cfg;
    this.layerControl = layerControl;
    this.data = data;
    this.map = window[cfg.map];
    this.groups = {};
    this.layers = {};
    this.containers = {};
    this.byPlace = dict();
    this.selected = null;
    this.related = dict();
    this.live = dict(); // statement index -> its row in the list, for the rows in the DOM
    this.allLayers = [];
    if (cfg.offline) document.documentElement.classList.add("geomap-offline");
    this.radius = data.features.length > 300 ? 5 : 6.5;
    this.palette = cfg.palette || data.categories.map(function (c) { return c.color; });
    this.colorOf = dict();
    data.categories.forEach(function (c) { self.colorOf[c.name] = c.color; });
    this.catInfo = dict();
    data.categories.forEach(function (c) { self.catInfo[c.name] = c; });
    this.f = { q: "", off: dict(), doc: "", inView: false, all: false, from: null, to: null };
    this.fVisible = [];
    data.features.forEach(function (f, i) { f.properties._i = i; self.fVisible.push(true); });

    // The statements first: readable whatever happens to the map below.
    this.buildPanel();
    document.documentElement.classList.add("geomap-has-panel");
    mark("geomap-panel");
    this.hash = this.readHash();
    this.computeVisible();
  }

  GeoMap.prototype.start = function (legendPosition) {
    var self = this;
    var cfg = this.cfg, data = this.data;
    hatchPatterns(this.palette.concat([cfg.otherColor || "#8a8a8a", cfg.defaultColor]));
    Object.keys(cfg.groups).forEach(function (key) { self.groups[key] = window[cfg.groups[key]]; });
    if (data.basemap && this.groups.basemap) this.drawBasemap(data.basemap);
    if (this.map.options.maxZoom === undefined) this.map.setMaxZoom(18); // MarkerCluster needs one
    this.selLayer = L.layerGroup().addTo(this.map);
    this.map.createPane("geomap-numbers").style.zIndex = 660;
    this.map.attributionControl.addAttribution(cfg.attribution);
    if (legendPosition) this.legend = Legend(this, legendPosition).addTo(this.map);
    this.updateLegend();
    // The view first, from the data alone: the places are then clustered and drawn once, for it.
    var hash = this.hash;
    this.viewFromHash = !!hash.view;
    if (hash.view) this.map.setView(hash.view[0], hash.view[1], { animate: false });
    else this.fitVisible({ animate: false });
    mark("geomap-fitted");
    Object.keys(this.groups).forEach(function (key) {
      if (key !== "basemap" && self.map.hasLayer(self.groups[key])) self.drawGroup(key);
    });
    mark("geomap-drawn");
    if (data.tiles) this.addTilesWhenReachable(data.tiles);
    this.map.on("overlayadd", function (e) {
      Object.keys(self.groups).forEach(function (key) {
        if (self.groups[key] === e.layer && key !== "basemap" && !self.layers[key]) self.drawGroup(key);
      });
      self.applyFilters();
    });
    this.map.on("overlayremove", function () { self.applyFilters(); });
    this.map.on("moveend", function () {
      if (self.f.inView) self.renderList();
      self.writeHash();
    });
    this.map.on("layeradd", function (e) { // an accessible name for each shape as it is drawn
      var p = e.layer.feature && e.layer.feature.properties;
      if (!p || !p.group) return;
      var node = p && e.layer.getElement && e.layer.getElement();
      if (node) node.setAttribute("aria-label", p.name);
    });
    window.addEventListener("beforeprint", function () { self.beforePrint(); });
    window.addEventListener("afterprint", function () { self.afterPrint(); });
    this.applyFilters({ refit: false, hash: false });
    mark("geomap-filtered");
    if (hash.st !== undefined) this.select(hash.st, { scroll: true, fit: !hash.view });
    this.ready = true;
    this.writeHash();
    document.documentElement.setAttribute("data-geomap-ready", "1");
    mark("geomap-ready");
  };

  GeoMap.prototype.addTilesWhenReachable = function (spec) {
    var self = this;
    var layer = L.tileLayer(spec.url, { attribution: spec.attribution, maxZoom: spec.maxZoom,
                                        subdomains: spec.subdomains, pane: "tilePane" });
    var probe = new Image();
    probe.onload = function () {
      layer.addTo(self.map);
      document.documentElement.classList.remove("geomap-offline");
      self.tiles = layer;
    };
    probe.src = L.Util.template(spec.url, { s: (spec.subdomains || "a")[0], z: 0, x: 0, y: 0, r: "" });
  };

  // --- colours ------------------------------------------------------------------------------

  /* Categories shown (switched on and with a statement left), most frequent first, each with
   * its own palette colour; past the palette's length the rest share the "other" colour. */
  GeoMap.prototype.assignColors = function (stVis) {
    var self = this;
    var n = dict();
    this.data.statements.forEach(function (st, i) {
      if (!stVis[i]) return;
      st.c.forEach(function (c) { if (!self.f.off[c]) n[c] = (n[c] || 0) + 1; });
    });
    var shown = Object.keys(n).sort(function (a, b) { return n[b] - n[a] || (a < b ? -1 : a > b ? 1 : 0); });
    var pal = this.palette;
    this.colorOf = dict();
    this.rankOf = dict();
    shown.forEach(function (c, i) {
      self.rankOf[c] = i;
      self.colorOf[c] = i < pal.length ? pal[i] : self.cfg.otherColor;
    });
    this.shownCats = shown;
    this.shownCount = n;
    this.data.features.forEach(function (f) {
      var best = null, bestN = 0, tally = dict();
      f.properties.st.forEach(function (si) {
        if (!stVis[si]) return;
        self.data.statements[si].c.forEach(function (c) {
          if (self.rankOf[c] === undefined) return;
          tally[c] = (tally[c] || 0) + 1;
          if (tally[c] > bestN || (tally[c] === bestN && self.rankOf[c] < self.rankOf[best])) {
            best = c; bestN = tally[c];
          }
        });
      });
      f.properties._cat = best;
    });
  };

  GeoMap.prototype.color = function (props) {
    if (props.role === "actor") return this.cfg.actorColor;
    var c = props._cat !== undefined ? props._cat : props.cat;
    return (c !== null && c !== undefined && this.colorOf[c]) || this.cfg.defaultColor;
  };

  GeoMap.prototype.hatchOf = function (color) {
    var i = this.palette.indexOf(color);
    if (i < 0) i = color === this.cfg.otherColor ? this.palette.length : this.palette.length + 1;
    return "url(#geomap-hatch-" + i + ")";
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
      var r = this.radius + Math.min(7, 2.2 * Math.log(1 + p.st.length) / Math.LN2 - 2.2);
      return { color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.95, radius: r, opacity: 1 };
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
      s.fillColor = this.hatchOf(color);
      s.fillOpacity = 1;
      s.weight = 1.2;
    } else if (p.precision >= 3) {
      s.fillOpacity = 0.08;
      s.weight = 1;
    }
    return s;
  };

  // --- drawing ------------------------------------------------------------------------------

  GeoMap.prototype.drawBasemap = function (basemap) {
    var pane = this.map.createPane("geomap-basemap");
    pane.style.zIndex = 150; // under the tiles: tiles that load cover it, tiles that fail leave it
    L.geoJSON(basemap, {
      pane: "geomap-basemap",
      interactive: false,
      style: function () {
        return { color: "#a9a9a9", weight: 0.7, fillColor: "#ececea", fillOpacity: 1, opacity: 1 };
      },
    }).addTo(this.groups.basemap);
  };

  /* Draw one group's features; a group that starts hidden (actors) is drawn when first shown.
   * Tooltips and popups are bound to a shape when it is first pointed at or opened. */
  GeoMap.prototype.drawGroup = function (key) {
    var self = this;
    // Each shape made with its style at once (L.geoJSON would style each one twice over).
    var gj = L.featureGroup();
    var style;
    var asPoint = { pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); } };
    this.data.features.forEach(function (f) {
      if (f.properties.group !== key) return;
      style = self.style(f);
      var isPoint = f.geometry.type === "Point" || f.geometry.type === "MultiPoint";
      var layer = L.GeoJSON.geometryToLayer(f, isPoint ? asPoint : style);
      layer.feature = f;
      layer._gmColor = self.color(f.properties);
      (self.byPlace[f.properties.id] = self.byPlace[f.properties.id] || []).push(layer);
      gj.addLayer(layer);
    });
    gj.on("mouseover", function (e) {
      if (!e.layer._gmBound) { self.bind(e.layer); e.layer.openTooltip(e.latlng); }
    });
    gj.on("click", function (e) {
      if (!e.layer._gmBound) self.bind(e.layer);
      if (!e.layer.isPopupOpen()) e.layer.openPopup(e.latlng);
    });
    this.layers[key] = gj;
    var shown = [];
    gj.eachLayer(function (l) {
      l._gmVisible = self.fVisible[l.feature.properties._i];
      self.allLayers.push([key, l]);
      if (l._gmVisible) shown.push(l);
    });
    var container;
    if (key === "points" && L.markerClusterGroup) {
      // Clusters are reached through the list and the search, not as one tab stop each.
      L.MarkerCluster.mergeOptions({ keyboard: false });
      container = L.markerClusterGroup({
        showCoverageOnHover: false,
        animate: false, // synchronous: a place opened from the list or the search is there at once
        spiderfyOnMaxZoom: false,
        disableClusteringAtZoom: 10,
        maxClusterRadius: 44,
        chunkedLoading: false, // 1.1.0 fails on a fit while chunks are still being added
        iconCreateFunction: function (cluster) {
          var n = 0;
          cluster.getAllChildMarkers().forEach(function (m) { n += m.feature.properties.st.length || 1; });
          var size = Math.round(26 + Math.min(26, 5 * Math.log(cluster.getChildCount()) / Math.LN2));
          var box = el("div", "geomap-cluster-n", String(cluster.getChildCount()));
          box.title = cluster.getChildCount() + " places, " + n + " statements";
          return L.divIcon({ html: box, className: "geomap-cluster", iconSize: L.point(size, size) });
        },
      });
      // On the map first, then all markers in one go: added before, each is looked for in a list
      // of those waiting (quadratic in 1.1.0).
      container.addTo(this.groups[key]);
      container.addLayers(shown);
    } else {
      container = L.featureGroup(shown).addTo(this.groups[key]);
    }
    this.containers[key] = container;
  };

  /* The tooltip and popup of one shape. */
  GeoMap.prototype.bind = function (layer) {
    var self = this;
    if (layer._gmBound) return;
    layer._gmBound = true;
    var f = layer.feature;
    layer.bindTooltip(function () {
      return document.createTextNode(f.properties.name);
    }, { sticky: true, direction: "top", className: "geomap-tip" });
    layer.bindPopup(function () { return self.popup(f); },
                    { maxWidth: 380, minWidth: 240, maxHeight: 340, className: "geomap-popup",
                      autoPanPaddingTopLeft: [20, 20], autoPanPaddingBottomRight: [20, 20] });
    layer.on("popupopen", function () { self.markPanel(f.properties.st); });
  };

  // --- popups and list items ------------------------------------------------------------------

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
    var said = this.spellings(p._i).filter(function (n) { return n !== p.name; });
    if (said.length) box.appendChild(el("div", "geomap-pop-sub", "reported as: " + said.join(", ")));
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
      var go = button("geomap-linkbtn", "show in list");
      go.addEventListener("click", function () { self.select(si, { scroll: true, fit: false, reveal: true }); });
      li.appendChild(go);
      list.appendChild(li);
    });
    box.appendChild(list);
    if (p.st.length > limit) box.appendChild(el("div", "geomap-more", "and " + (p.st.length - limit) + " more"));
    if (!p.st.length) box.appendChild(el("div", "geomap-more", "no statement"));
    return box;
  };

  /* Every spelling the reports used for feature fi. */
  GeoMap.prototype.spellings = function (fi) {
    var self = this;
    var seen = dict(), out = [];
    this.data.features[fi].properties.st.forEach(function (si) {
      var st = self.data.statements[si];
      st.m.forEach(function (m) {
        if (m[2] !== fi) return;
        var s = st.t.slice(m[0], m[1]);
        if (!seen[s]) { seen[s] = 1; out.push(s); }
      });
    });
    return out;
  };

  /* The list row of statement si (clicks and keys are handled by the list, see buildPanel). */
  GeoMap.prototype.stNode = function (si) {
    var self = this;
    var st = this.data.statements[si];
    var item = el("div", "geomap-st");
    item.setAttribute("role", "listitem");
    item.setAttribute("tabindex", "-1");
    item.setAttribute("data-statement", st.id);
    item.setAttribute("data-si", String(si));
    var meta = this.statementMeta(st, false);
    // One tab stop for the list, not one per source link: the link is in the place's popup too.
    Array.prototype.forEach.call(meta.querySelectorAll("a"), function (a) { a.tabIndex = -1; });
    item.appendChild(meta);
    var p = el("p", "geomap-text");
    markedText(p, st.t, st.m, function (s) { return s[2] < 0 ? "geomap-mark-unresolved" : "geomap-mark"; });
    item.appendChild(p);
    if (st.c.length) {
      var tags = el("div", "geomap-tags");
      st.c.forEach(function (c) {
        var tag = el("span", "geomap-tag", c.replace(/_/g, " "));
        tag.setAttribute("data-cat", c);
        tag.style.borderColor = self.colorOf[c] || "#999";
        tags.appendChild(tag);
      });
      item.appendChild(tags);
    }
    if (si === this.selected) item.classList.add("geomap-selected");
    if (this.related[si]) item.classList.add("geomap-related");
    return item;
  };

  GeoMap.prototype.docNode = function (docId) {
    var doc = this.data.docs[docId] || {};
    var dh = el("div", "geomap-doc", doc.title || doc.source || docId);
    dh.setAttribute("data-doc", docId);
    dh.setAttribute("role", "heading");
    dh.setAttribute("aria-level", "2");
    return dh;
  };

  // --- the panel ------------------------------------------------------------------------------

  GeoMap.prototype.buildPanel = function () {
    var self = this;
    var data = this.data;
    var panel = document.getElementById(this.cfg.panelId);
    this.panel = panel;
    var head = el("div", "geomap-head");
    head.appendChild(el("h1", "geomap-title", data.title));
    var counts = el("div", "geomap-counts");
    counts.setAttribute("aria-live", "polite");
    this.countsNode = counts;
    head.appendChild(counts);

    // Search: places by every name they were reported under, accents folded.
    var search = el("div", "geomap-search");
    search.setAttribute("role", "search");
    var input = el("input", "geomap-search-input");
    input.type = "search";
    input.placeholder = "Find a place…";
    input.setAttribute("aria-label", "Find a place");
    input.setAttribute("list", "geomap-place-names");
    var names = el("datalist");
    names.id = "geomap-place-names";
    this.namesNode = names;
    if (data.features.length <= LAZY_OPTIONS) this.buildNames();
    else input.addEventListener("focus", function () { self.buildNames(); });
    search.appendChild(input);
    search.appendChild(names);
    this.choices = el("div", "geomap-choices");
    this.choices.setAttribute("role", "listbox");
    this.choices.setAttribute("aria-label", "Places that match");
    this.searchStatus = el("div", "geomap-search-status");
    this.searchStatus.setAttribute("aria-live", "polite");
    search.appendChild(this.choices);
    search.appendChild(this.searchStatus);
    var last = null; // Enter, then the change event on leaving the box: search once
    var run = function () { if (input.value !== last) { last = input.value; self.find(input.value); } };
    input.addEventListener("change", run);
    input.addEventListener("input", function () { if (!input.value.trim()) { last = null; self.find(""); } });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { last = null; run(); }
      if (e.key === "ArrowDown" && self.choices.firstChild) { e.preventDefault(); self.choices.firstChild.focus(); }
    });
    head.appendChild(search);
    this.searchInput = input;

    // Filters: text, categories, report, in view, statements without a place.
    var filt = el("div", "geomap-filters");
    var text = el("input", "geomap-filter-text");
    text.type = "search";
    text.placeholder = "Filter statements…";
    text.setAttribute("aria-label", "Filter statements by text");
    var timer = null;
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.f.q = fold(text.value); self.applyFilters({ refit: true }); }, 200);
    });
    this.textInput = text;
    filt.appendChild(text);

    var docIds = Object.keys(data.docs);
    if (docIds.length > 1) {
      var sel = el("select", "geomap-filter-doc");
      sel.setAttribute("aria-label", "Report");
      var all = el("option", null, "All " + docIds.length + " reports");
      all.value = "";
      sel.appendChild(all);
      this.docSelect = sel;
      if (docIds.length <= LAZY_OPTIONS) this.buildDocOptions();
      else ["focus", "mousedown", "touchstart"].forEach(function (ev) {
        sel.addEventListener(ev, function () { self.buildDocOptions(); });
      });
      sel.addEventListener("change", function () { self.f.doc = sel.value; self.applyFilters({ refit: true }); });
      filt.appendChild(sel);
    }
    var toggles = el("div", "geomap-toggles");
    var mkToggle = function (label, key) {
      var wrap = el("label", "geomap-toggle");
      var box = el("input");
      box.type = "checkbox";
      box.addEventListener("change", function () {
        self.f[key] = box.checked;
        if (key === "inView") { self.renderList(); self.writeHash(); } else self.applyFilters();
      });
      wrap.appendChild(box);
      wrap.appendChild(document.createTextNode(" " + label));
      toggles.appendChild(wrap);
      return box;
    };
    this.inViewBox = mkToggle("only what is in view", "inView");
    this.allBox = mkToggle("also statements naming no place", "all");
    filt.appendChild(toggles);
    head.appendChild(filt);

    if (data.categories.length) head.appendChild(this.buildChips());
    if (data.dates.length > 1) head.appendChild(this.buildTimeline());

    var tools = el("div", "geomap-tools");
    var dlGeo = button("geomap-btn", "Places GeoJSON", "Download the places shown as GeoJSON");
    dlGeo.addEventListener("click", function () { self.downloadGeoJSON(); });
    var dlCsv = button("geomap-btn", "Statements CSV", "Download the statements shown as CSV");
    dlCsv.addEventListener("click", function () { self.downloadCSV(); });
    tools.appendChild(el("span", "geomap-tools-label", "Download:"));
    tools.appendChild(dlGeo);
    tools.appendChild(dlCsv);
    head.appendChild(tools);
    panel.appendChild(head);

    // The list keeps only the rows near what is seen: spacers stand for the rest (see drawWindow).
    var list = el("div", "geomap-list");
    this.listNode = list;
    this.pinned = el("div", "geomap-doc geomap-doc-pinned");
    this.pinned.setAttribute("aria-hidden", "true");
    this.padTop = el("div", "geomap-pad");
    this.rowsNode = el("div", "geomap-rows");
    this.rowsNode.setAttribute("role", "list");
    this.rowsNode.setAttribute("aria-label", "Statements");
    this.padBottom = el("div", "geomap-pad");
    list.appendChild(this.pinned);
    list.appendChild(this.padTop);
    list.appendChild(this.rowsNode);
    list.appendChild(this.padBottom);
    panel.appendChild(list);
    this.clearHeights();
    var raf = 0;
    list.addEventListener("scroll", function () {
      if (!raf) raf = requestAnimationFrame(function () { raf = 0; self.drawWindow(); });
    });
    window.addEventListener("resize", function () {
      if (!self.items || self.listNode.clientWidth === self.measuredWidth) return;
      self.clearHeights();
      self.layoutRows();
      self.drawWindow();
    });
    var rowOf = function (e) {
      var node = e.target && e.target.closest ? e.target.closest(".geomap-st") : null;
      return node && node.parentNode === self.rowsNode ? +node.getAttribute("data-si") : null;
    };
    this.rowsNode.addEventListener("click", function (e) {
      if (e.target && e.target.tagName === "A") return;
      var si = rowOf(e);
      if (si !== null) self.select(si, { fit: true });
    });
    this.rowsNode.addEventListener("keydown", function (e) {
      var si = rowOf(e);
      if (si === null) return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); self.select(si, { fit: true }); }
      else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        self.focusRow(self.rowPos[si] + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        self.focusRow(e.key === "Home" ? 0 : self.rows.length - 1);
      }
    });
  };

  /* The search's index of every name a place was reported under, and the datalist offered. */
  GeoMap.prototype.buildNames = function () {
    var self = this;
    if (this.nameIndex) return;
    this.nameIndex = [];
    var seen = dict();
    var frag = document.createDocumentFragment();
    this.data.features.forEach(function (f, fi) {
      var all = [f.properties.name].concat(self.spellings(fi));
      all.forEach(function (n, k) {
        self.nameIndex.push({ fi: fi, name: n, folded: fold(n), reported: k > 0 });
        if (seen[n]) return;
        seen[n] = 1;
        var o = el("option");
        o.value = n;
        frag.appendChild(o);
      });
    });
    this.namesNode.appendChild(frag);
  };

  GeoMap.prototype.buildDocOptions = function () {
    var docs = this.data.docs;
    if (this.docOptions || !this.docSelect) return;
    this.docOptions = true;
    var frag = document.createDocumentFragment();
    Object.keys(docs).forEach(function (id) {
      var d = docs[id];
      var o = el("option", null, (d.title || d.source || id) + (d.date ? " · " + d.date : ""));
      o.value = id;
      frag.appendChild(o);
    });
    var value = this.docSelect.value;
    this.docSelect.appendChild(frag);
    this.docSelect.value = value;
  };

  GeoMap.prototype.buildChips = function () {
    var self = this;
    var data = this.data;
    var box = el("div", "geomap-chips");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Activity categories");
    var bar = el("div", "geomap-chips-bar");
    bar.appendChild(el("span", "geomap-chips-label", "Activity"));
    var allB = button("geomap-linkbtn", "all", "Show all categories");
    var noneB = button("geomap-linkbtn", "none", "Hide all categories");
    allB.addEventListener("click", function () { self.f.off = dict(); self.applyFilters({ refit: true }); });
    noneB.addEventListener("click", function () {
      self.f.off = dict();
      self.catKeys.forEach(function (k) { self.f.off[k] = true; });
      self.applyFilters({ refit: true });
    });
    bar.appendChild(allB);
    bar.appendChild(noneB);
    box.appendChild(bar);
    var nNone = data.statements.filter(function (s) { return !s.c.length; }).length;
    this.catKeys = data.categories.map(function (c) { return c.name; });
    if (nNone) this.catKeys.push(UNCATEGORISED);
    this.chips = dict();
    var wrap = el("div", "geomap-chip-list");
    this.catKeys.forEach(function (key) {
      var info = self.catInfo[key];
      var chip = el("span", "geomap-chip");
      var b = button("geomap-chip-toggle");
      b.appendChild(el("span", "geomap-chip-swatch"));
      b.appendChild(el("span", "geomap-chip-name", info ? info.label : "none given"));
      b.appendChild(el("span", "geomap-chip-n", "(" + (info ? info.n : nNone) + ")"));
      b.addEventListener("click", function () {
        if (self.f.off[key]) delete self.f.off[key]; else self.f.off[key] = true;
        self.applyFilters({ refit: true });
      });
      var only = button("geomap-chip-only", "only");
      only.setAttribute("aria-label", "Only " + (info ? info.label : "none given"));
      only.addEventListener("click", function () {
        self.f.off = dict();
        self.catKeys.forEach(function (k) { if (k !== key) self.f.off[k] = true; });
        self.applyFilters({ refit: true });
      });
      chip.appendChild(b);
      chip.appendChild(only);
      wrap.appendChild(chip);
      self.chips[key] = { toggle: b, swatch: b.firstChild };
    });
    box.appendChild(wrap);
    return box;
  };

  GeoMap.prototype.updateChips = function () {
    var self = this;
    if (!this.chips) return;
    this.catKeys.forEach(function (key) {
      var c = self.chips[key];
      var on = !self.f.off[key];
      c.toggle.setAttribute("aria-pressed", on ? "true" : "false");
      c.toggle.parentNode.classList.toggle("geomap-chip-off", !on);
      c.swatch.style.background = on ? (self.colorOf[key] || self.cfg.defaultColor) : "transparent";
    });
  };

  // --- timeline -------------------------------------------------------------------------------

  GeoMap.prototype.buildTimeline = function () {
    var self = this;
    var data = this.data;
    var box = el("div", "geomap-timeline");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Time");
    var d0 = day(data.dates[0]), d1 = day(data.dates[data.dates.length - 1]);
    var span = d1 - d0 + 1;
    this.binDays = span <= 200 ? 1 : span <= 1400 ? 7 : Math.ceil(span / 200);
    this.nBins = Math.ceil(span / this.binDays);
    this.day0 = d0;
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("class", "geomap-hist");
    svg.setAttribute("viewBox", "0 0 " + this.nBins + " 40");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    this.histBars = [];
    for (var i = 0; i < this.nBins; i++) {
      var r = document.createElementNS(SVGNS, "rect");
      r.setAttribute("x", String(i + 0.1));
      r.setAttribute("width", "0.8");
      r.setAttribute("y", "40");
      r.setAttribute("height", "0");
      svg.appendChild(r);
      this.histBars.push(r);
    }
    var brush = document.createElementNS(SVGNS, "rect");
    brush.setAttribute("class", "geomap-brush");
    brush.setAttribute("y", "0");
    brush.setAttribute("height", "40");
    brush.setAttribute("width", "0");
    svg.appendChild(brush);
    this.brushRect = brush;
    var binAt = function (e) {
      var rect = svg.getBoundingClientRect();
      return Math.max(0, Math.min(self.nBins - 1, Math.floor((e.clientX - rect.left) / rect.width * self.nBins)));
    };
    var start = null;
    svg.addEventListener("pointerdown", function (e) {
      start = binAt(e);
      svg.setPointerCapture(e.pointerId);
      self.showBrush(start, start);
    });
    svg.addEventListener("pointermove", function (e) { if (start !== null) self.showBrush(start, binAt(e)); });
    svg.addEventListener("pointerup", function (e) {
      if (start === null) return;
      var a = Math.min(start, binAt(e)), b = Math.max(start, binAt(e));
      start = null;
      self.setTime(a, b);
    });
    box.appendChild(svg);

    var row = el("div", "geomap-time");
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
      row.appendChild(wrap);
      return sel;
    };
    this.fromSel = mk("From", data.dates[0]);
    this.toSel = mk("to", data.dates[data.dates.length - 1]);
    var onTime = function () {
      var a = self.fromSel.value, b = self.toSel.value;
      if (a > b) { var t = a; a = b; b = t; }
      var whole = a === data.dates[0] && b === data.dates[data.dates.length - 1];
      self.f.from = whole ? null : a;
      self.f.to = whole ? null : b;
      self.applyFilters({ refit: true });
    };
    this.fromSel.addEventListener("change", onTime);
    this.toSel.addEventListener("change", onTime);
    var play = button("geomap-btn geomap-play", "▶ Play", "Play through time");
    play.addEventListener("click", function () { self.togglePlay(); });
    this.playBtn = play;
    var reset = button("geomap-linkbtn", "all dates", "Show all dates");
    reset.addEventListener("click", function () { self.stopPlay(); self.setTime(null, null); });
    row.appendChild(play);
    row.appendChild(reset);
    box.appendChild(row);
    return box;
  };

  GeoMap.prototype.showBrush = function (a, b) {
    if (!this.brushRect) return;
    if (a === null) { this.brushRect.setAttribute("width", "0"); return; }
    var lo = Math.min(a, b), hi = Math.max(a, b);
    this.brushRect.setAttribute("x", String(lo));
    this.brushRect.setAttribute("width", String(hi - lo + 1));
  };

  /* Filter to bins a..b (null: all dates); the selects follow. */
  GeoMap.prototype.setTime = function (a, b, opts) {
    var dates = this.data.dates;
    if (a === null) {
      this.f.from = this.f.to = null;
    } else {
      this.f.from = iso(this.day0 + a * this.binDays);
      this.f.to = iso(this.day0 + (b + 1) * this.binDays - 1);
    }
    if (this.fromSel) {
      var from = this.f.from || dates[0], to = this.f.to || dates[dates.length - 1];
      this.fromSel.value = dates.filter(function (d) { return d >= from; })[0] || dates[dates.length - 1];
      this.toSel.value = dates.filter(function (d) { return d <= to; }).pop() || dates[0];
    }
    this.applyFilters({ refit: !(opts && opts.noRefit) });
  };

  GeoMap.prototype.togglePlay = function () {
    var self = this;
    if (this.playTimer) { this.stopPlay(); return; }
    var width = Math.max(1, Math.round(this.nBins / 10));
    var at = 0;
    this.playBtn.textContent = "❚❚ Pause";
    var step = function () {
      if (at >= self.nBins) { self.stopPlay(); self.setTime(null, null); return; }
      self.setTime(at, Math.min(self.nBins - 1, at + width - 1));
      at += Math.max(1, Math.ceil(width / 2));
    };
    step();
    this.playTimer = setInterval(step, 900);
  };

  GeoMap.prototype.stopPlay = function () {
    clearInterval(this.playTimer);
    this.playTimer = null;
    if (this.playBtn) this.playBtn.textContent = "▶ Play";
  };

  GeoMap.prototype.updateHistogram = function () {
    var self = this;
    if (!this.histBars) return;
    var n = new Array(this.nBins).fill(0), inside = new Array(this.nBins).fill(0);
    this.data.statements.forEach(function (st, i) {
      if (!st.d || !self.passes(st, true)) return;
      if (st._day === undefined) st._day = day(st.d);
      var b = Math.floor((st._day - self.day0) / self.binDays);
      if (b < 0 || b >= self.nBins) return;
      n[b] += 1;
      if (self.stVisible[i]) inside[b] += 1;
    });
    var max = Math.max.apply(null, n.concat([1]));
    this.histBars.forEach(function (r, b) {
      var h = n[b] ? Math.max(2, 38 * n[b] / max) : 0;
      r.setAttribute("y", String(40 - h));
      r.setAttribute("height", String(h));
      r.setAttribute("class", inside[b] ? "geomap-bar-on" : "geomap-bar-off");
    });
    if (this.f.from) {
      this.showBrush(Math.floor((day(this.f.from) - this.day0) / this.binDays),
                     Math.floor((day(this.f.to) - this.day0) / this.binDays));
    } else this.showBrush(null);
  };

  // --- filtering ------------------------------------------------------------------------------

  /* The filters a statement passes: time (unless ignoreTime), report, categories, text. */
  GeoMap.prototype.passes = function (st, ignoreTime) {
    var f = this.f;
    if (!f.doc && !f.q && (ignoreTime || !f.from) && !this.anyOff) return true;
    if (!ignoreTime && f.from && (!st.d || st.d < f.from || st.d > f.to)) return false;
    if (f.doc && st.doc !== f.doc) return false;
    var cats = st.c.length ? st.c : [UNCATEGORISED];
    if (!cats.some(function (c) { return !f.off[c]; })) return false;
    if (f.q) {
      if (st._fold === undefined) st._fold = fold(st.t + " " + (st.sp || ""));
      if (st._fold.indexOf(f.q) < 0) return false;
    }
    return true;
  };

  GeoMap.prototype.statementVisible = function (st) { return this.passes(st, false); };

  /* Which statements pass the filters, the colours of the categories left, which places are left. */
  GeoMap.prototype.computeVisible = function () {
    var sts = this.data.statements, feats = this.data.features;
    this.anyOff = Object.keys(this.f.off).length > 0;
    var stVis = new Array(sts.length);
    for (var i = 0; i < sts.length; i++) stVis[i] = this.passes(sts[i], false);
    this.stVisible = stVis;
    this.assignColors(stVis);
    for (var fi = 0; fi < feats.length; fi++) {
      var st = feats[fi].properties.st;
      var vis = !st.length;
      for (var k = 0; k < st.length && !vis; k++) vis = stVis[st[k]];
      this.fVisible[fi] = vis;
    }
  };

  GeoMap.prototype.applyFilters = function (opts) {
    var self = this;
    opts = opts || {};
    if (this.ready || opts.recompute) this.computeVisible(); // else the constructor just did
    var add = {}, remove = {};
    var shown = 0;
    this.allLayers.forEach(function (pair) {
      var key = pair[0], layer = pair[1];
      var vis = self.fVisible[layer.feature.properties._i];
      if (vis !== layer._gmVisible) {
        (vis ? (add[key] = add[key] || []) : (remove[key] = remove[key] || [])).push(layer);
        layer._gmVisible = vis;
      }
      var c = self.color(layer.feature.properties);
      if (layer._gmColor !== c) { layer._gmColor = c; layer.setStyle(self.style(layer.feature)); }
      if (vis && self.map.hasLayer(self.groups[key])) shown += 1;
    });
    Object.keys(this.containers).forEach(function (key) {
      var ct = self.containers[key];
      if (ct.removeLayers) {
        if (remove[key]) ct.removeLayers(remove[key]);
        if (add[key]) ct.addLayers(add[key]);
      } else {
        (remove[key] || []).forEach(function (l) { ct.removeLayer(l); });
        (add[key] || []).forEach(function (l) { ct.addLayer(l); });
      }
    });
    this.nShownPlaces = shown;
    this.updateChips();
    this.updateLegend();
    this.updateHistogram();
    this.renderList();
    if (opts.refit && this.ready) this.fitVisible();
    if (opts.hash !== false) this.writeHash();
  };

  /* The box of every feature from its coordinates (drawn or not): west, south, east, north. */
  GeoMap.prototype.boxes = function () {
    if (this.box) return this.box;
    var feats = this.data.features;
    var box = new Float64Array(4 * feats.length);
    var at = 0;
    var walk = function (c) {
      if (typeof c[0] === "number") {
        if (c[0] < box[at]) box[at] = c[0];
        if (c[1] < box[at + 1]) box[at + 1] = c[1];
        if (c[0] > box[at + 2]) box[at + 2] = c[0];
        if (c[1] > box[at + 3]) box[at + 3] = c[1];
      } else for (var i = 0; i < c.length; i++) walk(c[i]);
    };
    for (var fi = 0; fi < feats.length; fi++) {
      at = 4 * fi;
      box[at] = box[at + 1] = Infinity;
      box[at + 2] = box[at + 3] = -Infinity;
      var g = feats[fi].geometry;
      if (g.type === "GeometryCollection") g.geometries.forEach(function (gg) { walk(gg.coordinates); });
      else walk(g.coordinates);
    }
    this.box = box;
    return box;
  };

  GeoMap.prototype.boundsOf = function (fi) {
    var b = this.boxes();
    var at = 4 * fi;
    return b[at] <= b[at + 2] ? L.latLngBounds([b[at + 1], b[at]], [b[at + 3], b[at + 2]]) : L.latLngBounds([]);
  };

  GeoMap.prototype.inViewOf = function (st, view) {
    var self = this;
    view = view || this.map.getBounds();
    var w = view.getWest(), s = view.getSouth(), e = view.getEast(), n = view.getNorth();
    var box = this.boxes();
    return st.p.some(function (fi) {
      var key = self.data.features[fi].properties.group;
      if (!self.layers[key]) return false; // a layer never shown
      var at = 4 * fi;
      return box[at] <= e && box[at + 2] >= w && box[at + 1] <= n && box[at + 3] >= s;
    });
  };

  /* The list: statements that pass the filters (and name a place, unless asked), grouped by
   * report with its header once.  Only the rows near what is seen are in the DOM: each row's height
   * is measured when it is drawn and estimated until then, and two spacers stand for the rest. */
  GeoMap.prototype.renderList = function () {
    var sts = this.data.statements;
    var rows = [], items = [], itemOf = [];
    var rowPos = new Int32Array(sts.length).fill(-1);
    var hiddenNoPlace = 0, lastDoc = null;
    var view = this.f.inView ? this.map.getBounds() : null;
    for (var i = 0; i < sts.length; i++) {
      if (!this.stVisible[i]) continue;
      var st = sts[i];
      if (!this.f.all && !st.p.length) { hiddenNoPlace += 1; continue; }
      if (view && !this.inViewOf(st, view)) continue;
      if (st.doc !== lastDoc) { items.push(-1 - i); lastDoc = st.doc; } // a report's header
      rowPos[i] = rows.length;
      itemOf.push(items.length);
      rows.push(i);
      items.push(i);
    }
    this.rows = rows;
    this.items = items;
    this.itemOf = itemOf;
    this.rowPos = rowPos;
    this.focusK = 0;
    var nst = this.stVisible.filter(Boolean).length;
    var text = (this.allLayers.length ? this.nShownPlaces + " of " + this.allLayers.length + " places shown · " : "") +
      nst + " of " + this.stVisible.length + " statements";
    if (hiddenNoPlace) text += " (" + hiddenNoPlace + " naming no place not listed)";
    if (this.f.inView) text += " · " + rows.length + " in view";
    this.countsNode.textContent = text;
    this.live = dict();
    var box = this.rowsNode;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!rows.length) box.appendChild(el("div", "geomap-empty", "No statement matches."));
    this.pinned.hidden = !rows.length;
    this.layoutRows();
    this.listNode.scrollTop = 0;
    this.drawWindow();
  };

  /* Measured heights of statement rows and of report headers (by their first statement's index),
   * for the list's width. */
  GeoMap.prototype.clearHeights = function () {
    var n = this.data.statements.length;
    this.rowH = new Float32Array(n);
    this.docH = new Float32Array(n);
  };

  /* Row heights (measured, or estimated from the text's length) and their running offsets. */
  GeoMap.prototype.layoutRows = function () {
    var items = this.items, n = items.length, sts = this.data.statements;
    var rowH = this.rowH, docH = this.docH;
    var w = this.measuredWidth = this.listNode.clientWidth;
    var perLine = Math.max(20, ((w || 380) - 34) / 6.9);
    var h = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      var it = items[k];
      if (it < 0) h[k] = docH[-1 - it] || 31;
      else if (rowH[it]) h[k] = rowH[it];
      else {
        var st = sts[it];
        h[k] = 36 + 19 * Math.ceil((st.t.length + 1) / perLine) + (st.c.length ? 19 : 0);
      }
    }
    this.h = h;
    this.sumRows();
  };

  GeoMap.prototype.sumRows = function () {
    var h = this.h, offs = new Float64Array(h.length + 1);
    for (var k = 0; k < h.length; k++) offs[k + 1] = offs[k] + h[k];
    this.offs = offs;
  };

  /* The item at y px from the top of the list. */
  GeoMap.prototype.itemAt = function (y) {
    var offs = this.offs, lo = 0, hi = offs.length - 2;
    if (hi < 0) return 0;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (offs[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Put in the DOM the rows from OVERSCAN px above to OVERSCAN px below what is seen (all of them,
   * up to PRINT_ROWS, for printing); measure them and keep the row at the top where it was. */
  GeoMap.prototype.drawWindow = function () {
    var self = this;
    var items = this.items, list = this.listNode;
    if (!items || !items.length) { this.padTop.style.height = this.padBottom.style.height = "0px"; return; }
    var n = items.length, a, b;
    var top = list.scrollTop;
    if (this.printing) {
      a = 0;
      b = this.itemOf[Math.min(this.rows.length, PRINT_ROWS) - 1] + 1;
    } else {
      a = this.itemAt(Math.max(0, top - OVERSCAN));
      b = Math.min(n, this.itemAt(top + (list.clientHeight || 600) + OVERSCAN) + 1);
    }
    var live = this.live, keep = dict();
    Object.keys(live).forEach(function (key) {
      var node = live[key];
      if (node._gmK >= a && node._gmK < b) keep[key] = node;
      else node.remove();
    });
    var box = this.rowsNode, cursor = box.firstChild;
    for (var k = a; k < b; k++) {
      var it = items[k];
      var node = keep[it];
      if (!node) {
        node = it < 0 ? this.docNode(this.data.statements[-1 - it].doc) : this.stNode(it);
        node._gmK = k;
        keep[it] = node;
        if (it >= 0 && this.rowPos[it] === this.focusK) node.setAttribute("tabindex", "0");
      }
      if (node === cursor) cursor = cursor.nextSibling;
      else box.insertBefore(node, cursor);
    }
    this.live = keep;
    if (this.printing) {
      this.padTop.style.height = this.padBottom.style.height = "0px";
      return;
    }
    var anchor = this.itemAt(top), anchorOff = top - this.offs[anchor];
    var changed = false;
    for (k = a; k < b; k++) {
      var hh = keep[items[k]].offsetHeight;
      if (hh > 0 && Math.abs(hh - this.h[k]) >= 0.5) {
        this.h[k] = hh;
        if (items[k] < 0) this.docH[-1 - items[k]] = hh; else this.rowH[items[k]] = hh;
        changed = true;
      }
    }
    if (changed) this.sumRows();
    this.padTop.style.height = this.offs[a] + "px";
    this.padBottom.style.height = (this.offs[n] - this.offs[b]) + "px";
    if (changed) {
      var want = this.offs[anchor] + anchorOff;
      if (Math.abs(list.scrollTop - want) >= 1) list.scrollTop = want;
    }
    // The report of the first row seen below it stays named on top of the list.
    var first = items[this.itemAt(list.scrollTop + (this.pinned.offsetHeight || 0))];
    var docId = this.data.statements[first < 0 ? -1 - first : first].doc;
    if (this.pinnedDoc !== docId) {
      var doc = this.data.docs[docId] || {};
      this.pinned.textContent = doc.title || doc.source || docId;
      this.pinnedDoc = docId;
    }
    // Keep one tab stop in the list: the focused row, or the first row seen.
    var active = document.activeElement;
    if (!(active && active.parentNode === box) && !keep[this.rows[this.focusK]]) {
      var seen = this.itemAt(list.scrollTop);
      while (seen < n && items[seen] < 0) seen += 1;
      if (seen < n && keep[items[seen]]) {
        this.focusK = this.rowPos[items[seen]];
        keep[items[seen]].setAttribute("tabindex", "0");
      }
    }
  };

  /* Scroll the list so that row k is seen whole, below the report's name pinned on top: as little
   * as needed, or with the row at the top when `top` (a jump from the map). */
  GeoMap.prototype.scrollToRow = function (k, top) {
    var list = this.listNode;
    var it = this.itemOf[k];
    if (it === undefined) return;
    for (var pass = 0; pass < 4; pass++) {
      var at = list.scrollTop, h = list.clientHeight, pin = this.pinned.offsetHeight;
      var y0 = this.offs[it], y1 = this.offs[it + 1];
      var want = at;
      if (top || y0 < at + pin) want = y0 - pin - 4;
      else if (y1 > at + h) want = Math.min(y0 - pin - 4, y1 - h + 4);
      want = Math.max(0, Math.min(want, list.scrollHeight - h));
      if (Math.abs(want - at) < 1) break;
      list.scrollTop = Math.max(0, want);
      this.drawWindow();
    }
  };

  GeoMap.prototype.focusRow = function (k) {
    if (!this.rows || k < 0 || k >= this.rows.length) return;
    this.scrollToRow(k);
    var node = this.live[this.rows[k]];
    if (!node) return;
    var old = this.rowsNode.querySelectorAll('.geomap-st[tabindex="0"]');
    Array.prototype.forEach.call(old, function (n) { n.setAttribute("tabindex", "-1"); });
    this.focusK = k;
    node.setAttribute("tabindex", "0");
    node.focus({ preventScroll: true });
  };

  /* The selected and related marks on the rows in the DOM. */
  GeoMap.prototype.markRows = function () {
    var self = this;
    Object.keys(this.live).forEach(function (key) {
      var si = +key;
      if (si < 0) return;
      var node = self.live[key];
      node.classList.toggle("geomap-selected", si === self.selected);
      node.classList.toggle("geomap-related", !!self.related[si]);
    });
  };

  // --- selection, search, fitting ---------------------------------------------------------------

  GeoMap.prototype.clearHighlight = function () {
    var self = this;
    (this.highlighted || []).forEach(function (pair) {
      var layer = pair[1];
      layer.setStyle(self.style(layer.feature));
      var node = layer.getElement && layer.getElement();
      if (node) node.classList.remove("geomap-hl");
    });
    this.highlighted = [];
    if (this.selLayer) this.selLayer.clearLayers();
    this.related = dict();
    this.markRows();
  };

  GeoMap.prototype.layersOf = function (featureIndex) {
    var f = this.data.features[featureIndex];
    var group = f.properties.group;
    return (this.byPlace[f.properties.id] || []).map(function (l) { return [group, l]; });
  };

  /* Select statement si: its places highlighted and numbered in the order the text names them. */
  GeoMap.prototype.select = function (si, opts) {
    var self = this;
    opts = opts || {};
    var st = this.data.statements[si];
    if (!st) return 0;
    this.clearHighlight();
    this.selected = si;
    if (this.rowPos[si] < 0 && opts.reveal) {
      // Shown from a popup but filtered out of the list: list everything again.
      this.f.inView = false;
      if (this.inViewBox) this.inViewBox.checked = false;
      if (!st.p.length) { this.f.all = true; if (this.allBox) this.allBox.checked = true; }
      this.renderList();
    }
    if (opts.scroll && this.rowPos[si] >= 0) this.scrollToRow(this.rowPos[si], true);
    this.markRows();
    var bounds = L.latLngBounds([]);
    var fallback = L.latLngBounds([]);
    var order = [];
    st.m.slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (m) {
      if (m[2] >= 0 && order.indexOf(m[2]) < 0) order.push(m[2]);
    });
    st.p.forEach(function (fi) { if (order.indexOf(fi) < 0) order.push(fi); });
    order.forEach(function (fi, n) {
      var f = self.data.features[fi];
      if (!self.map.hasLayer(self.groups[f.properties.group])) self.map.addLayer(self.groups[f.properties.group]);
      self.layersOf(fi).forEach(function (pair) {
        var layer = pair[1];
        layer.setStyle({ color: self.cfg.highlightColor, weight: 4, opacity: 1 });
        var el2 = layer.getElement && layer.getElement();
        if (el2) el2.classList.add("geomap-hl");
        if (layer.bringToFront && self.map.hasLayer(layer)) layer.bringToFront();
        self.highlighted.push(pair);
        var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
        fallback.extend(b);
        if (layer._gmVisible) bounds.extend(b);
        var at = layer.getLatLng ? layer.getLatLng() : b.getCenter();
        var num = el("span", null, String(n + 1));
        num.title = f.properties.name;
        L.marker(at, {
          icon: L.divIcon({ html: num, className: "geomap-num", iconSize: [20, 20], iconAnchor: [-4, 24] }),
          pane: "geomap-numbers", interactive: false, keyboard: false,
        }).addTo(self.selLayer);
      });
    });
    var target = bounds.isValid() ? bounds : fallback;
    if (opts.fit !== false && target.isValid()) this.fitBounds(target, { maxZoom: 9 });
    this.writeHash();
    return st.p.length;
  };

  /* The statements of a place opened on the map: marked in the list, the first one scrolled to. */
  GeoMap.prototype.markPanel = function (sts) {
    var self = this;
    this.related = dict();
    var first = -1;
    sts.forEach(function (i) {
      self.related[i] = true;
      var k = self.rowPos[i];
      if (k >= 0 && (first < 0 || k < first)) first = k;
    });
    if (first >= 0) this.scrollToRow(first, true);
    this.markRows();
  };

  /* Places whose name, or a spelling a report used, matches the query (accents folded). */
  GeoMap.prototype.matches = function (query) {
    var q = fold(query);
    this.buildNames();
    if (!q) return [];
    var tests = [
      function (n) { return n === q; },
      function (n) { return n.indexOf(q) === 0; },
      function (n) { return n.indexOf(q) >= 0; },
    ];
    for (var t = 0; t < tests.length; t++) {
      var seen = dict(), out = [];
      this.nameIndex.forEach(function (e) {
        if (!tests[t](e.folded)) return;
        if (seen[e.fi]) { if (e.reported) seen[e.fi].said = e.name; return; }
        seen[e.fi] = { fi: e.fi, said: e.reported ? e.name : null };
        out.push(seen[e.fi]);
      });
      if (out.length) return out;
    }
    return [];
  };

  GeoMap.prototype.find = function (query) {
    var self = this;
    var input = this.searchInput;
    while (this.choices.firstChild) this.choices.removeChild(this.choices.firstChild);
    this.searchStatus.textContent = "";
    if (!String(query || "").trim()) {
      input.classList.remove("geomap-notfound");
      return null;
    }
    var found = this.matches(query);
    if (!found.length) {
      input.classList.add("geomap-notfound");
      this.searchStatus.textContent = "No place named so.";
      return null;
    }
    input.classList.remove("geomap-notfound");
    if (found.length === 1) return this.openFound(found[0]);
    this.searchStatus.textContent = found.length + " places match: choose one.";
    found.slice(0, 30).forEach(function (m) {
      var p = self.data.features[m.fi].properties;
      var b = button("geomap-choice");
      b.setAttribute("role", "option");
      b.appendChild(el("span", "geomap-choice-name", p.name));
      var sub = p.kindLabel + (p.cc ? ", " + p.cc : "") + " · " + p.st.length + " statements";
      b.appendChild(el("span", "geomap-choice-sub", sub));
      if (m.said && m.said !== p.name) b.appendChild(el("span", "geomap-choice-sub", "reported as " + m.said));
      b.addEventListener("click", function () {
        while (self.choices.firstChild) self.choices.removeChild(self.choices.firstChild);
        self.openFound(m);
      });
      self.choices.appendChild(b);
    });
    // Focus stays in the box (the Enter that searched must not also press a choice): Down or Tab
    // reaches the choices.
    return null;
  };

  GeoMap.prototype.openFound = function (m) {
    var p = this.data.features[m.fi].properties;
    this.searchStatus.textContent = m.said && m.said !== p.name ? "“" + m.said + "” in the report: " + p.name : "";
    return this.openPlace(m.fi);
  };

  GeoMap.prototype.openPlace = function (fi) {
    var self = this;
    var f = this.data.features[fi];
    var key = f.properties.group;
    var group = this.groups[key];
    if (!this.map.hasLayer(group)) this.map.addLayer(group);
    if (!this.layers[key]) this.drawGroup(key);
    var layers = this.byPlace[f.properties.id] || [];
    if (!layers.length) return null;
    var layer = layers[0];
    this.bind(layer);
    var ct = this.containers[key];
    if (!layer._gmVisible) { ct.addLayer(layer); layer._gmVisible = true; }
    var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
    this.fitBounds(b, { maxZoom: 11, animate: false });
    var open = function () { layer.openPopup(layer.getCenter ? undefined : layer.getLatLng()); };
    if (ct.zoomToShowLayer) ct.zoomToShowLayer(layer, open); else open();
    if (!layer.isPopupOpen()) open();
    return f.properties.name;
  };

  /* Room the map controls, the legend and the panel take from the map: fitting keeps clear of it. */
  GeoMap.prototype.padding = function () {
    var c = this.map.getContainer().getBoundingClientRect();
    var widest = function (sel) {
      var w = 0, h = 0;
      Array.prototype.forEach.call(document.querySelectorAll(sel), function (n) {
        var r = n.getBoundingClientRect();
        w = Math.max(w, r.width);
        h += r.height;
      });
      return [w, h];
    };
    var tl = widest(".leaflet-top.leaflet-left > .leaflet-control");
    var bl = widest(".leaflet-bottom.leaflet-left > .leaflet-control");
    var tr = widest(".leaflet-top.leaflet-right > .leaflet-control");
    var cap = function (v, of) { return Math.min(Math.round(v), Math.round(of * 0.4)); };
    var left = cap(Math.max(tl[0], bl[0] * (bl[1] > c.height * 0.3 ? 1 : 0)) + 16, c.width);
    var bottom = cap((bl[1] > c.height * 0.3 ? 0 : bl[1]) + 24, c.height);
    return {
      paddingTopLeft: [left, 16],
      paddingBottomRight: [cap(tr[0] + 16, c.width), bottom],
    };
  };

  GeoMap.prototype.fitBounds = function (b, opts) {
    var o = this.padding();
    Object.keys(opts || {}).forEach(function (k) { o[k] = opts[k]; });
    this.map.fitBounds(b, o);
  };

  /* Fit the map to the places left after filtering (on shown layers). */
  GeoMap.prototype.fitVisible = function (opts) {
    var self = this;
    var b = L.latLngBounds([]);
    var onMap = dict();
    Object.keys(this.groups).forEach(function (key) {
      onMap[key] = key !== "basemap" && self.map.hasLayer(self.groups[key]);
    });
    var box = this.boxes(), w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    this.data.features.forEach(function (f, fi) {
      if (!self.fVisible[fi] || !onMap[f.properties.group]) return;
      var at = 4 * fi;
      if (box[at] < w) w = box[at];
      if (box[at + 1] < s) s = box[at + 1];
      if (box[at + 2] > e) e = box[at + 2];
      if (box[at + 3] > n) n = box[at + 3];
    });
    if (w <= e) b = L.latLngBounds([s, w], [n, e]);
    if (b.isValid()) {
      var o = { maxZoom: 8 };
      Object.keys(opts || {}).forEach(function (k) { o[k] = opts[k]; });
      this.fitBounds(b, o);
    }
  };
  GeoMap.prototype.fitAll = function () { this.fitVisible({ animate: false }); };

  // --- URL hash ---------------------------------------------------------------------------------

  GeoMap.prototype.writeHash = function () {
    if (!this.ready || !window.history || !history.replaceState) return;
    var p = new URLSearchParams();
    var c = this.map.getCenter();
    p.set("map", this.map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4));
    var off = Object.keys(this.f.off);
    if (off.length) p.set("off", JSON.stringify(off));
    if (this.textInput && this.textInput.value) p.set("q", this.textInput.value);
    if (this.f.doc) p.set("doc", this.f.doc);
    if (this.f.from) { p.set("from", this.f.from); p.set("to", this.f.to); }
    if (this.f.inView) p.set("inview", "1");
    if (this.f.all) p.set("all", "1");
    if (this.selected !== null) p.set("st", this.data.statements[this.selected].id);
    try { history.replaceState(null, "", "#" + p.toString()); } catch (e) { /* sandboxed */ }
  };

  /* Filters from the hash are set here; the view and the statement are returned for init. */
  GeoMap.prototype.readHash = function () {
    var out = {};
    var p;
    try { p = new URLSearchParams(location.hash.replace(/^#/, "")); } catch (e) { return out; }
    var self = this;
    var m = /^(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(p.get("map") || "");
    if (m) out.view = [[+m[2], +m[3]], +m[1]];
    try {
      var off = JSON.parse(p.get("off") || "[]");
      if (Array.isArray(off)) off.forEach(function (k) { if (typeof k === "string") self.f.off[k] = true; });
    } catch (e) { /* a hand-edited hash */ }
    if (p.get("q") && this.textInput) { this.textInput.value = p.get("q"); this.f.q = fold(p.get("q")); }
    if (p.get("doc") && this.data.docs[p.get("doc")] && this.docSelect) {
      this.f.doc = p.get("doc");
      this.buildDocOptions();
      this.docSelect.value = this.f.doc;
    }
    var dateRe = /^\d{4}-\d{2}-\d{2}$/;
    if (dateRe.test(p.get("from") || "") && dateRe.test(p.get("to") || "")) {
      this.f.from = p.get("from");
      this.f.to = p.get("to");
      if (this.fromSel) { this.fromSel.value = this.f.from; this.toSel.value = this.f.to; }
    }
    if (p.get("inview") === "1") { this.f.inView = true; this.inViewBox.checked = true; }
    if (p.get("all") === "1") { this.f.all = true; this.allBox.checked = true; }
    var st = p.get("st");
    if (st) {
      this.data.statements.some(function (s, i) { if (s.id === st) { out.st = i; return true; } return false; });
    }
    return out;
  };

  // --- downloads and print ------------------------------------------------------------------------

  GeoMap.prototype.downloadGeoJSON = function () {
    var self = this;
    var feats = [];
    this.data.features.forEach(function (f) {
      var sts = f.properties.st.filter(function (i) { return self.stVisible[i]; });
      if (f.properties.st.length && !sts.length) return;
      feats.push({
        type: "Feature",
        geometry: f.geometry,
        properties: { id: f.properties.id, name: f.properties.name, kind: f.properties.kind,
                      country_code: f.properties.cc, role: f.properties.role, category: f.properties._cat,
                      statements: sts.map(function (i) { return self.data.statements[i].id; }) },
      });
    });
    var text = JSON.stringify({ type: "FeatureCollection", features: feats });
    download("geomap-places.geojson", "application/geo+json", text);
    return feats.length;
  };

  GeoMap.prototype.csvText = function () {
    var self = this;
    var lines = [["statement_id", "report", "date", "speaker", "categories", "places", "text"].join(",")];
    this.data.statements.forEach(function (st, i) {
      if (!self.stVisible[i]) return;
      var places = st.p.map(function (fi) { return self.data.features[fi].properties.name; });
      lines.push([st.id, st.doc, st.d, st.sp, st.c.join("; "), places.join("; "), st.t].map(csvCell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  };

  GeoMap.prototype.downloadCSV = function () {
    var text = this.csvText();
    download("geomap-statements.csv", "text/csv", text);
    return text.split("\r\n").length - 2;
  };

  GeoMap.prototype.beforePrint = function () {
    this.printing = true;
    this.drawWindow();
    this.map.invalidateSize();
  };

  GeoMap.prototype.afterPrint = function () {
    this.printing = false;
    this.drawWindow();
    this.map.invalidateSize();
  };

  /* Counts for tests and for anyone scripting the page. */
  GeoMap.prototype.count = function (key) {
    var n = 0;
    this.allLayers.forEach(function (pair) { if (pair[0] === key && pair[1]._gmVisible) n += 1; });
    return n;
  };
  GeoMap.prototype.countOnMap = function (key) {
    return this.map.hasLayer(this.groups[key]) ? this.count(key) : 0;
  };

  // --- legend -------------------------------------------------------------------------------------

  GeoMap.prototype.updateLegend = function () {
    var self = this;
    var body = this.legendCats;
    if (!body) return;
    while (body.firstChild) body.removeChild(body.firstChild);
    var shown = this.shownCats || [];
    if (!shown.length) return;
    body.appendChild(el("div", "geomap-legend-h", "Activity (colour)"));
    var pal = this.palette.length;
    shown.slice(0, pal).forEach(function (c) {
      var row = el("div", "geomap-legend-row");
      row.appendChild(swatch({ kind: "point", color: self.colorOf[c] }));
      row.appendChild(el("span", null, (self.catInfo[c] || { label: c }).label));
      body.appendChild(row);
    });
    if (shown.length > pal) {
      var row = el("div", "geomap-legend-row");
      row.appendChild(swatch({ kind: "point", color: this.cfg.otherColor }));
      var rest = shown.length - pal;
      row.appendChild(el("span", null, "other (" + rest + (rest === 1 ? " category)" : " categories)")));
      body.appendChild(row);
    }
  };

  function Legend(geomap, position) {
    var data = geomap.data;
    var ctl = L.control({ position: position || "bottomleft" });
    ctl.onAdd = function () {
      var box = el("div", "geomap-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var toggle = button("geomap-legend-toggle", "Legend");
      var body = el("div", "geomap-legend-body");
      body.id = "geomap-legend-body";
      toggle.setAttribute("aria-controls", body.id);
      var stored = storeGet(LEGEND_KEY);
      var open = stored === null ? window.innerWidth > 700 : stored === "1";
      var set = function (o) {
        body.hidden = !o;
        toggle.setAttribute("aria-expanded", o ? "true" : "false");
        box.classList.toggle("geomap-legend-closed", !o);
      };
      set(open);
      toggle.addEventListener("click", function () {
        var o = body.hidden;
        set(o);
        storeSet(LEGEND_KEY, o ? "1" : "0");
      });
      box.appendChild(toggle);
      var cats = el("div", "geomap-legend-cats");
      body.appendChild(cats);
      geomap.legendCats = cats;
      body.appendChild(el("div", "geomap-legend-h", "Places"));
      data.kinds.forEach(function (k) {
        var row = el("div", "geomap-legend-row");
        row.appendChild(swatch({ kind: k.key, color: "#555" }));
        row.appendChild(el("span", null, k.label));
        body.appendChild(row);
      });
      var row = el("div", "geomap-legend-row");
      var c = el("span", "geomap-cluster geomap-cluster-sample", "12");
      row.appendChild(c);
      row.appendChild(el("span", null, "Group of places (number of places; click to zoom)"));
      body.appendChild(row);
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
    svg.setAttribute("aria-hidden", "true");
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

  // --- no map: the statements alone ---------------------------------------------------------------

  /* When the map cannot be made (a script failed to load or threw), list the statements plainly. */
  function fallbackList(reason, data) {
    if (!data) {
      if (app.data) data = app.data;
      else {
        try {
          readIsland("geomap-data", function (d) { app.data = d; fallbackList(reason, d); }, noData);
        } catch (e) { noData("the statements stored in this page cannot be read"); }
        return;
      }
    }
    var panel = document.getElementById("geomap-panel");
    if (!panel || !data) return;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    document.documentElement.classList.add("geomap-nomap");
    var head = el("div", "geomap-head");
    head.appendChild(el("h1", "geomap-title", data.title));
    head.appendChild(el("div", "geomap-counts", "The map could not be drawn (" + reason + "); the " +
                        data.statements.length + " statements are listed below."));
    panel.appendChild(head);
    var list = el("div", "geomap-list");
    var last = null;
    var at = 0;
    var step = function () { // a thousand at a time: the first are readable at once
      data.statements.slice(at, at + 1000).forEach(add);
      at += 1000;
      if (at < data.statements.length) setTimeout(step, 0);
    };
    var add = function (st) {
      if (st.doc !== last) {
        var doc = data.docs[st.doc] || {};
        var dh = el("div", "geomap-doc", doc.title || doc.source || st.doc);
        dh.setAttribute("data-doc", st.doc);
        list.appendChild(dh);
        last = st.doc;
      }
      var item = el("div", "geomap-st");
      item.setAttribute("data-statement", st.id);
      var meta = [st.d, st.sp].filter(Boolean).join(" · ");
      if (meta) item.appendChild(el("div", "geomap-meta", meta));
      var p = el("p", "geomap-text");
      markedText(p, st.t, st.m, function (s) { return s[2] < 0 ? "geomap-mark-unresolved" : "geomap-mark"; });
      item.appendChild(p);
      list.appendChild(item);
    };
    step();
    panel.appendChild(list);
    document.documentElement.setAttribute("data-geomap-ready", "fallback");
  }

  /* The data could not be read at all: say why in the panel, instead of a blank page. */
  function noData(reason) {
    var panel = document.getElementById("geomap-panel");
    if (!panel) return;
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    document.documentElement.classList.add("geomap-nomap");
    var head = el("div", "geomap-head");
    head.appendChild(el("h1", "geomap-title", document.title));
    var msg = el("p", "geomap-nodata", "The statements and places of this map cannot be shown: " + reason + ".");
    msg.setAttribute("role", "alert");
    head.appendChild(msg);
    panel.appendChild(head);
    document.documentElement.setAttribute("data-geomap-ready", "nodata");
  }

  /* What init and legend were given: the app starts once the data is read and the legend known. */
  var app = { pending: false, data: null, legend: null, started: false };

  function startApp(gm) {
    if (app.started) return;
    app.started = true;
    try {
      gm.start(app.legend);
    } catch (e) {
      if (window.console) console.error("geomap:", e);
      window.geomap = null;
      fallbackList("a script failed", gm.data);
    }
  }

  window.addEventListener("load", function () {
    if (!window.geomap && !app.pending) {
      fallbackList(typeof L === "undefined" ? "Leaflet did not load" : "a script failed");
    }
  });

  window.GeoMapApp = {
    init: function (cfg, layerControl) {
      app.pending = true;
      var sync = true;
      var made = function (data) {
        app.data = data;
        mark("geomap-data");
        var gm;
        try {
          gm = new GeoMap(cfg, layerControl, data);
        } catch (e) {
          if (window.console) console.error("geomap:", e);
          fallbackList("a script failed", data);
          return;
        }
        window.geomap = gm;
        // Read at once (plain JSON): start after this script, once the legend is known.
        if (sync) Promise.resolve().then(function () { startApp(gm); });
        else startApp(gm);
      };
      try {
        readIsland(cfg.dataId, made, noData);
      } catch (e) {
        if (window.console) console.error("geomap:", e);
        noData("the statements stored in this page cannot be read");
      }
      sync = false;
      return window.geomap || null;
    },
    legend: function (position) {
      app.legend = position;
      var gm = window.geomap;
      if (!gm || !gm.ready || gm.legend) return gm ? gm.legend || null : null;
      gm.legend = Legend(gm, position).addTo(gm.map);
      gm.updateLegend();
      if (!gm.viewFromHash && gm.selected === null) gm.fitVisible({ animate: false });
      return gm.legend;
    },
    fallback: fallbackList,
  };
})();
