/* geomap: places <-> statements on a folium/Leaflet map.
 *
 * All report text reaches the page through JSON.parse of an escaped
 * <script type="application/json"> data island and is put into the DOM with
 * textContent / createTextNode only; nothing from a report is ever passed to
 * innerHTML, and Leaflet popups and tooltips receive DOM nodes, not strings.
 * The config passed to init holds no report string.
 *
 * The page works with no network: Leaflet 1.9.3 (BSD-2-Clause) and
 * Leaflet.markercluster 1.1.0 (MIT, github.com/Leaflet/Leaflet.markercluster), the
 * copies that the folium-offline package ships, are inlined by maps/_html.py, the Natural Earth basemap is drawn underneath, and online
 * tiles (data.tiles) are added over it only after a first tile has loaded.  The
 * statements panel is built before anything is drawn on the map, and if the map
 * cannot be made at all (no Leaflet) a plain list of the statements is shown.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var UNCATEGORISED = "";
  var PAGE_ROWS = 120; // statements rendered per step of the list
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

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
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

  function GeoMap(cfg, layerControl) {
    var self = this;
    this.cfg = cfg;
    this.layerControl = layerControl;
    this.data = readJson(cfg.dataId);
    this.map = window[cfg.map];
    this.groups = {};
    this.layers = {};
    this.containers = {};
    this.byPlace = dict();
    this.selected = null;
    this.stNodes = [];
    this.allLayers = [];
    var data = this.data;
    if (cfg.offline) document.documentElement.classList.add("geomap-offline");
    this.radius = data.features.length > 300 ? 5 : 6.5;
    this.palette = cfg.palette || data.categories.map(function (c) { return c.color; });
    this.colorOf = dict();
    data.categories.forEach(function (c) { self.colorOf[c.name] = c.color; });
    this.catInfo = dict();
    data.categories.forEach(function (c) { self.catInfo[c.name] = c; });
    this.f = { q: "", off: dict(), doc: "", inView: false, all: false, from: null, to: null };
    data.features.forEach(function (f, i) { f.properties._i = i; });

    // The statements first: readable whatever happens to the map below.
    this.buildPanel();
    document.documentElement.classList.add("geomap-has-panel");

    hatchPatterns(this.palette.concat([cfg.otherColor || "#8a8a8a", cfg.defaultColor]));
    Object.keys(cfg.groups).forEach(function (key) { self.groups[key] = window[cfg.groups[key]]; });
    if (data.basemap && this.groups.basemap) this.drawBasemap(data.basemap);
    if (data.tiles) this.addTilesWhenReachable(data.tiles);
    if (this.map.options.maxZoom === undefined) this.map.setMaxZoom(18); // MarkerCluster needs one
    this.selLayer = L.layerGroup().addTo(this.map);
    this.map.createPane("geomap-numbers").style.zIndex = 660;
    Object.keys(this.groups).forEach(function (key) {
      if (key !== "basemap" && self.map.hasLayer(self.groups[key])) self.drawGroup(key);
    });
    this.map.attributionControl.addAttribution(cfg.attribution);
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
    window.addEventListener("beforeprint", function () { self.beforePrint(); });
    var hash = this.readHash();
    this.applyFilters({ refit: false, hash: false });
    this.viewFromHash = !!hash.view;
    if (hash.view) this.map.setView(hash.view[0], hash.view[1], { animate: false });
    else this.fitVisible({ animate: false });
    if (hash.st !== undefined) this.select(hash.st, { scroll: true, fit: !hash.view });
    this.ready = true;
    this.writeHash();
    document.documentElement.setAttribute("data-geomap-ready", "1");
  }

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

  /* Draw one group's features; a group that starts hidden (actors) is drawn when first shown. */
  GeoMap.prototype.drawGroup = function (key) {
    var self = this;
    var feats = this.data.features.filter(function (f) { return f.properties.group === key; });
    var gj = L.geoJSON(
      { type: "FeatureCollection", features: feats },
      {
        style: function (f) { return self.style(f); },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, self.style(f)); },
        onEachFeature: function (f, layer) {
          (self.byPlace[f.properties.id] = self.byPlace[f.properties.id] || []).push(layer);
          layer.bindTooltip(function () {
            return document.createTextNode(f.properties.name);
          }, { sticky: true, direction: "top", className: "geomap-tip" });
          layer.bindPopup(function () { return self.popup(f); },
                          { maxWidth: 380, minWidth: 240, maxHeight: 340, className: "geomap-popup",
                            autoPanPaddingTopLeft: [20, 20], autoPanPaddingBottomRight: [20, 20] });
          layer.on("popupopen", function () { self.markPanel(f.properties.st); });
          layer.on("add", function () {
            var node = layer.getElement && layer.getElement();
            if (node) node.setAttribute("aria-label", f.properties.name);
          });
        },
      }
    );
    this.layers[key] = gj;
    var container = gj;
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
      container.addLayers(gj.getLayers()); // in one go: one by one is quadratic in 1.1.0
    }
    this.containers[key] = container;
    container.addTo(this.groups[key]);
    gj.eachLayer(function (l) { self.allLayers.push([key, l]); l._gmVisible = true; });
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

  GeoMap.prototype.stNode = function (si) {
    var self = this;
    if (this.stNodes[si]) return this.stNodes[si];
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
      else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        self.focusRow(self.rowPos[si] + (e.key === "ArrowDown" ? 1 : -1));
      }
    });
    this.stNodes[si] = item;
    return item;
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
    this.nameIndex = [];
    var seen = dict();
    data.features.forEach(function (f, fi) {
      var all = [f.properties.name].concat(self.spellings(fi));
      all.forEach(function (n, k) {
        self.nameIndex.push({ fi: fi, name: n, folded: fold(n), reported: k > 0 });
        if (seen[n]) return;
        seen[n] = 1;
        var o = el("option");
        o.value = n;
        names.appendChild(o);
      });
    });
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
      docIds.forEach(function (id) {
        var d = data.docs[id];
        var o = el("option", null, (d.title || d.source || id) + (d.date ? " · " + d.date : ""));
        o.value = id;
        sel.appendChild(o);
      });
      sel.addEventListener("change", function () { self.f.doc = sel.value; self.applyFilters({ refit: true }); });
      this.docSelect = sel;
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

    var list = el("div", "geomap-list");
    list.setAttribute("role", "list");
    list.setAttribute("aria-label", "Statements");
    this.listNode = list;
    panel.appendChild(list);
    this.sentinel = el("div", "geomap-sentinel");
    if (window.IntersectionObserver) {
      this.observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) self.renderMore(PAGE_ROWS);
      }, { root: list, rootMargin: "400px" });
    }
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
      var b = Math.floor((day(st.d) - self.day0) / self.binDays);
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

  GeoMap.prototype.applyFilters = function (opts) {
    var self = this;
    opts = opts || {};
    var stVis = this.data.statements.map(function (st) { return self.passes(st, false); });
    this.stVisible = stVis;
    this.assignColors(stVis);
    var add = {}, remove = {};
    var shown = 0;
    this.allLayers.forEach(function (pair) {
      var key = pair[0], layer = pair[1];
      var sts = layer.feature.properties.st;
      var vis = !sts.length || sts.some(function (i) { return stVis[i]; });
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

  GeoMap.prototype.inViewOf = function (st) {
    var self = this;
    var view = this.map.getBounds();
    return st.p.some(function (fi) {
      return (self.byPlace[self.data.features[fi].properties.id] || []).some(function (l) {
        var b = l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng()]);
        return b.isValid() && view.intersects(b);
      });
    });
  };

  /* The list: statements that pass the filters (and name a place, unless asked), grouped by
   * report with its header once, rendered PAGE_ROWS at a time as the list scrolls. */
  GeoMap.prototype.renderList = function () {
    var self = this;
    var rows = [];
    var hiddenNoPlace = 0;
    this.data.statements.forEach(function (st, i) {
      if (!self.stVisible[i]) return;
      if (!self.f.all && !st.p.length) { hiddenNoPlace += 1; return; }
      if (self.f.inView && !self.inViewOf(st)) return;
      rows.push(i);
    });
    this.rows = rows;
    this.rowPos = dict();
    rows.forEach(function (si, k) { self.rowPos[si] = k; });
    this.rendered = 0;
    this.lastDoc = null;
    var list = this.listNode;
    if (this.observer) this.observer.unobserve(this.sentinel);
    while (list.firstChild) list.removeChild(list.firstChild);
    var nst = this.stVisible.filter(Boolean).length;
    var text = (this.allLayers.length ? this.nShownPlaces + " of " + this.allLayers.length + " places shown · " : "") +
      nst + " of " + this.stVisible.length + " statements";
    if (hiddenNoPlace) text += " (" + hiddenNoPlace + " naming no place not listed)";
    if (this.f.inView) text += " · " + rows.length + " in view";
    this.countsNode.textContent = text;
    if (!rows.length) list.appendChild(el("div", "geomap-empty", "No statement matches."));
    this.renderMore(PAGE_ROWS);
    if (this.selected !== null && this.stNodes[this.selected]) {
      this.stNodes[this.selected].classList.add("geomap-selected");
    }
  };

  GeoMap.prototype.renderMore = function (n) {
    var self = this;
    var data = this.data;
    var end = Math.min(this.rows.length, this.rendered + n);
    if (end <= this.rendered) return;
    var frag = document.createDocumentFragment();
    for (var k = this.rendered; k < end; k++) {
      var si = this.rows[k];
      var st = data.statements[si];
      if (st.doc !== this.lastDoc) {
        var doc = data.docs[st.doc] || {};
        var dh = el("div", "geomap-doc");
        dh.setAttribute("data-doc", st.doc);
        dh.setAttribute("role", "heading");
        dh.setAttribute("aria-level", "2");
        dh.textContent = doc.title || doc.source || st.doc;
        frag.appendChild(dh);
        this.lastDoc = st.doc;
      }
      var node = this.stNode(si);
      node.classList.remove("geomap-related");
      node.setAttribute("tabindex", k === 0 ? "0" : "-1");
      frag.appendChild(node);
    }
    this.rendered = end;
    this.listNode.appendChild(frag);
    // Colour tags after the nodes are in.
    Array.prototype.forEach.call(this.listNode.querySelectorAll(".geomap-tag"), function (tag) {
      tag.style.borderColor = self.colorOf[tag.getAttribute("data-cat")] || "#999";
    });
    if (this.rendered < this.rows.length) {
      this.listNode.appendChild(this.sentinel);
      if (this.observer) this.observer.observe(this.sentinel);
    } else if (this.sentinel.parentNode) {
      this.sentinel.remove();
    }
  };

  GeoMap.prototype.focusRow = function (k) {
    if (!this.rows || k < 0 || k >= this.rows.length) return;
    if (k >= this.rendered) this.renderMore(k - this.rendered + PAGE_ROWS);
    var node = this.stNode(this.rows[k]);
    Array.prototype.forEach.call(this.listNode.querySelectorAll('.geomap-st[tabindex="0"]'), function (n) {
      n.setAttribute("tabindex", "-1");
    });
    node.setAttribute("tabindex", "0");
    node.focus();
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
    this.stNodes.forEach(function (n) { if (n) n.classList.remove("geomap-selected", "geomap-related"); });
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
    if (this.rowPos[si] === undefined && opts.reveal) {
      // Shown from a popup but filtered out of the list: list everything again.
      this.f.inView = false;
      if (this.inViewBox) this.inViewBox.checked = false;
      if (!st.p.length) { this.f.all = true; if (this.allBox) this.allBox.checked = true; }
      this.renderList();
    }
    var k = this.rowPos[si];
    if (k !== undefined && k >= this.rendered) this.renderMore(k - this.rendered + PAGE_ROWS);
    var node = this.stNode(si);
    node.classList.add("geomap-selected");
    if (opts.scroll && node.isConnected) node.scrollIntoView({ block: "nearest" });
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

  GeoMap.prototype.markPanel = function (sts) {
    var self = this;
    this.stNodes.forEach(function (n) { if (n) n.classList.remove("geomap-related"); });
    sts.forEach(function (i) { if (self.stNodes[i]) self.stNodes[i].classList.add("geomap-related"); });
    var first = sts.filter(function (i) { return self.stNodes[i] && self.stNodes[i].isConnected; })[0];
    if (first !== undefined) this.stNodes[first].scrollIntoView({ block: "nearest" });
  };

  /* Places whose name, or a spelling a report used, matches the query (accents folded). */
  GeoMap.prototype.matches = function (query) {
    var q = fold(query);
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
    this.allLayers.forEach(function (pair) {
      var layer = pair[1];
      if (!layer._gmVisible || !self.map.hasLayer(self.groups[pair[0]])) return;
      b.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng());
    });
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
    if (this.rows) this.renderMore(Math.min(this.rows.length, 3000));
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
      row.appendChild(el("span", null, "other (" + (shown.length - pal) + " categories)"));
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
  function fallbackList(reason) {
    var panel = document.getElementById("geomap-panel");
    var data;
    try { data = readJson("geomap-data"); } catch (e) { return; }
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

  window.addEventListener("load", function () {
    if (!window.geomap) fallbackList(typeof L === "undefined" ? "Leaflet did not load" : "a script failed");
  });

  window.GeoMapApp = {
    init: function (cfg, layerControl) {
      try {
        var gm = new GeoMap(cfg, layerControl);
        window.geomap = gm;
        return gm;
      } catch (e) {
        if (window.console) console.error("geomap:", e);
        fallbackList("a script failed");
        return null;
      }
    },
    legend: function (position) {
      var gm = window.geomap;
      if (!gm) return null;
      gm.legend = Legend(gm, position).addTo(gm.map);
      gm.updateLegend();
      // Fit again now that the legend takes its room, unless the view came from the URL.
      if (gm.ready && !gm.viewFromHash && gm.selected === null) gm.fitVisible({ animate: false });
      return gm.legend;
    },
    fallback: fallbackList,
  };
})();
