/* coopgraph: the map of the partnerships (world + France inset), drawn with d3 and topojson-client.
 *
 *   renderMap(element, data, options) -> {update(filters), select(partnerIndex), element}
 *
 * data: what coopgraph.publish.mapdata.map_data(store) returns (JSON).
 * options (all optional):
 *   world, france  TopoJSON topologies (default: window.COOPGRAPH_WORLD / window.COOPGRAPH_FRANCE)
 *   width, height  of the drawing in SVG units (default 960 x 500)
 *   onClick(event) called with {kind: "foreign"|"french", partner, partnerships} when a point is clicked;
 *                  without it the partner's partnerships are listed beside the map (static pages).
 *   href(partnership) a link for a partnership in that list (default: its IRI)
 * Nothing is fetched: everything comes in `data` and the topologies. */
(function (global) {
  "use strict";

  var STYLE = [
    ".cg-map{position:relative;font:13px system-ui,sans-serif}",
    ".cg-map-controls{display:flex;gap:1rem;flex-wrap:wrap;margin:.4rem 0}",
    ".cg-map-svg{width:100%;height:auto;background:#eef3f8;border-radius:.4rem}",
    ".cg-country{stroke:#fff;stroke-width:.4}",
    ".cg-partner{fill:#e8590c;fill-opacity:.85;stroke:#fff;stroke-width:.7;cursor:pointer}",
    ".cg-french{fill:#7b2cbf;fill-opacity:.85;stroke:#fff;stroke-width:.5;cursor:pointer}",
    ".cg-line{fill:none;stroke:#7b2cbf;stroke-width:1.2;stroke-opacity:.8;pointer-events:none}",
    ".cg-inset-frame{fill:#fff;stroke:#999;stroke-width:.6}",
    ".cg-selected{stroke:#000;stroke-width:1.5}",
    ".cg-map-list{margin-top:.5rem;padding:.5rem .8rem;background:#f7f7f7;border-radius:.4rem}",
    ".cg-map-list h3{margin:.2rem 0 .4rem;font-size:1rem}",
    ".cg-map-legend{font-size:12px;color:#444}"
  ].join("\n");

  // Metropolitan France, for the inset's frame (overseas collectivités are drawn on the world map).
  var METRO = {type: "Feature", geometry: {type: "MultiPoint", coordinates: [[-5.2, 41.3], [9.6, 51.15]]}};
  function inMetro(n) { return n.lon > -5.5 && n.lon < 10 && n.lat > 41 && n.lat < 51.5; }

  function renderMap(element, data, options) {
    options = options || {};
    var d3 = options.d3 || global.d3, topojson = options.topojson || global.topojson;
    var world = options.world || global.COOPGRAPH_WORLD, france = options.france || global.COOPGRAPH_FRANCE;
    var W = options.width || 960, H = options.height || 500;
    var t0 = global.performance ? global.performance.now() : 0;
    var root = d3.select(element).classed("cg-map", true);
    root.selectAll("*").remove();
    if (!document.getElementById("cg-map-style")) {
      d3.select(document.head).append("style").attr("id", "cg-map-style").text(STYLE);
    }

    // -- controls: theme and country filters ----------------------------------------------------
    var controls = root.append("div").attr("class", "cg-map-controls");
    function select(id, label, values) {
      var l = controls.append("label").text(label + " ");
      var s = l.append("select").attr("id", id);
      s.append("option").attr("value", "").text("Tous / all");
      values.forEach(function (v) { s.append("option").attr("value", v[0]).text(v[1]); });
      return s;
    }
    var themeSel = select("cg-filter-theme", "Thématique / theme", data.themes.map(function (t, i) { return [String(i), t]; }));
    var countrySel = select("cg-filter-country", "Pays / country", Object.keys(data.countries)
      .map(function (c) { return [c, data.countries[c]]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1], "fr"); }));

    // -- the world and the inset ----------------------------------------------------------------
    var svg = root.append("svg").attr("class", "cg-map-svg").attr("viewBox", "0 0 " + W + " " + H)
      .attr("role", "img").attr("aria-label", "Carte des partenariats / map of the partnerships");
    var proj = d3.geoNaturalEarth1().fitExtent([[4, 4], [W - 4, H - 4]], {type: "Sphere"});
    var path = d3.geoPath(proj);
    var countries = topojson.feature(world, world.objects.countries).features;
    var gCountries = svg.append("g").attr("class", "cg-countries");
    var countryPaths = gCountries.selectAll("path").data(countries).join("path")
      .attr("class", "cg-country").attr("d", path)
      .attr("data-a3", function (f) { return f.properties.a3 || ""; });
    countryPaths.append("title");
    var gLines = svg.append("g").attr("class", "cg-lines");
    var gForeign = svg.append("g").attr("class", "cg-partners");
    var gFrenchWorld = svg.append("g").attr("class", "cg-french-world");

    var box = {x: 6, y: H - 176, w: 150, h: 170};
    var inset = svg.append("g").attr("class", "cg-inset").attr("transform", "translate(" + box.x + "," + box.y + ")");
    inset.append("rect").attr("class", "cg-inset-frame").attr("width", box.w).attr("height", box.h);
    var fproj = d3.geoConicConformal().rotate([-3, 0]).parallels([44, 49])
      .fitExtent([[6, 6], [box.w - 6, box.h - 6]], METRO);
    var fpath = d3.geoPath(fproj);
    inset.append("clipPath").attr("id", "cg-inset-clip").append("rect").attr("width", box.w).attr("height", box.h);
    var insetBody = inset.append("g").attr("clip-path", "url(#cg-inset-clip)");
    insetBody.append("path").datum(topojson.feature(france, france.objects.countries))
      .attr("class", "cg-country cg-france").attr("fill", "#d7dde6").attr("d", fpath);
    var gFrench = insetBody.append("g").attr("class", "cg-french-inset");
    inset.append("text").attr("x", 4).attr("y", 12).attr("class", "cg-map-legend").text("France");

    var legend = root.append("p").attr("class", "cg-map-legend");
    var list = root.append("div").attr("class", "cg-map-list").attr("id", "cg-map-list").style("display", "none");

    // -- drawing for the current filters ----------------------------------------------------------
    var current = {theme: "", country: ""};
    var shown = [];  // partnerships passing the filters

    function passes(p) {
      if (current.theme !== "" && String(p.theme) !== current.theme) return false;
      if (current.country !== "" && !p.foreign.some(function (i) { return data.foreign[i].country === current.country; })) return false;
      return true;
    }

    function update(filters) {
      if (filters) {
        if (filters.theme !== undefined) { current.theme = String(filters.theme); themeSel.property("value", current.theme); }
        if (filters.country !== undefined) { current.country = filters.country; countrySel.property("value", current.country); }
      }
      shown = data.partnerships.filter(passes);
      var nForeign = new Map(), nFrench = new Map(), nCountry = new Map();
      shown.forEach(function (p) {
        var seen = new Set();
        p.foreign.forEach(function (i) {
          nForeign.set(i, (nForeign.get(i) || 0) + 1);
          var c = data.foreign[i].country;
          if (c && !seen.has(c)) { seen.add(c); nCountry.set(c, (nCountry.get(c) || 0) + 1); }
        });
        p.french.forEach(function (i) { nFrench.set(i, (nFrench.get(i) || 0) + 1); });
      });
      var peak = d3.max(Array.from(nCountry.values())) || 1;
      var color = d3.scaleSequentialSqrt(d3.interpolateYlGnBu).domain([0, peak]);
      countryPaths.attr("fill", function (f) {
        var n = nCountry.get(f.properties.a3);
        return n ? color(n * 0.85 + peak * 0.15) : "#d7dde6";
      }).attr("data-partnerships", function (f) { return nCountry.get(f.properties.a3) || 0; })
        .select("title").text(function (f) {
          return (data.countries[f.properties.a3] || f.properties.name) + " : " + (nCountry.get(f.properties.a3) || 0);
        });
      var peakP = d3.max(Array.from(nForeign.values())) || 1;
      var r = d3.scaleSqrt().domain([1, Math.max(2, peakP)]).range([3, 14]);
      var placed = Array.from(nForeign.keys()).filter(function (i) { return data.foreign[i].lat !== null; })
        .sort(function (a, b) { return nForeign.get(b) - nForeign.get(a); });
      gForeign.selectAll("circle").data(placed, function (i) { return i; }).join("circle")
        .attr("class", "cg-partner").attr("data-index", function (i) { return i; })
        .attr("data-id", function (i) { return data.foreign[i].id; })
        .attr("data-partnerships", function (i) { return nForeign.get(i); })
        .attr("r", function (i) { return r(nForeign.get(i)); })
        .attr("cx", function (i) { return proj([data.foreign[i].lon, data.foreign[i].lat])[0]; })
        .attr("cy", function (i) { return proj([data.foreign[i].lon, data.foreign[i].lat])[1]; })
        .on("click", function (ev, i) { choose("foreign", i); })
        .selectAll("title").data(function (i) { return [i]; }).join("title")
        .text(function (i) { return data.foreign[i].name + " (" + (data.countries[data.foreign[i].country] || "") + ") : " + nForeign.get(i); });
      var french = Array.from(nFrench.keys()).filter(function (i) { return data.french[i].lat !== null; });
      function frenchDots(g, nodes, projection) {
        g.selectAll("circle").data(nodes, function (i) { return i; }).join("circle")
          .attr("class", "cg-french").attr("data-index", function (i) { return i; })
          .attr("data-id", function (i) { return data.french[i].id; })
          .attr("r", function (i) { return Math.min(6, 2 + Math.sqrt(nFrench.get(i))); })
          .attr("cx", function (i) { return projection([data.french[i].lon, data.french[i].lat])[0]; })
          .attr("cy", function (i) { return projection([data.french[i].lon, data.french[i].lat])[1]; })
          .on("mouseenter", function (ev, i) { lines(i); })
          .on("mouseleave", function () { if (!sticky) lines(null); })
          .on("click", function (ev, i) { choose("french", i); })
          .selectAll("title").data(function (i) { return [i]; }).join("title")
          .text(function (i) { return data.french[i].name + " : " + nFrench.get(i); });
      }
      frenchDots(gFrench, french.filter(function (i) { return inMetro(data.french[i]); }), fproj);
      frenchDots(gFrenchWorld, french.filter(function (i) { return !inMetro(data.french[i]); }), proj);
      legend.text(shown.length + " partenariat(s) / partnership(s) ; " + placed.length + " partenaire(s) étranger(s) placé(s) / foreign partner(s) on the map ; "
        + nCountry.size + " pays / countries.");
      lines(sticky);
      element.setAttribute("data-partnerships", String(shown.length));
      element.setAttribute("data-points", String(placed.length));
    }

    // -- a French collectivité's lines to its partners; a point's list of partnerships -------------
    var sticky = null;
    function lines(i) {
      var segs = [];
      if (i !== null && i !== undefined) {
        var from = data.french[i];
        shown.forEach(function (p) {
          if (p.french.indexOf(i) < 0) return;
          p.foreign.forEach(function (j) {
            var to = data.foreign[j];
            if (to.lat !== null) segs.push({type: "LineString", coordinates: [[from.lon, from.lat], [to.lon, to.lat]]});
          });
        });
      }
      gLines.selectAll("path").data(segs).join("path").attr("class", "cg-line").attr("d", path);
    }

    function choose(kind, i) {
      var partner = kind === "foreign" ? data.foreign[i] : data.french[i];
      var ps = shown.filter(function (p) { return p[kind].indexOf(i) >= 0; });
      svg.selectAll(".cg-selected").classed("cg-selected", false);
      svg.selectAll(kind === "foreign" ? ".cg-partner" : ".cg-french").filter(function (k) { return k === i; })
        .classed("cg-selected", true);
      sticky = kind === "french" ? i : null;
      lines(sticky);
      if (options.onClick) { options.onClick({kind: kind, partner: partner, partnerships: ps}); return; }
      list.style("display", null).selectAll("*").remove();
      var where = kind === "foreign" ? (data.countries[partner.country] || "") : "France";
      list.append("h3").text(partner.name + (where ? " (" + where + ")" : "") + " — " + ps.length + " partenariat(s)");
      if (partner.placement === "seat" || partner.placement === "main-commune") {
        list.append("p").attr("class", "cg-map-legend")
          .text(partner.placement === "seat" ? "Placé au chef-lieu / placed at its seat (approximation)"
                                             : "Placé à sa commune principale / placed at its main commune");
      }
      var href = options.href || function (p) { return p.id; };
      list.append("ul").selectAll("li").data(ps).join("li").append("a")
        .attr("href", function (p) { return href(p); }).text(function (p) { return p.title; });
    }

    themeSel.on("change", function () { update({theme: this.value}); });
    countrySel.on("change", function () { update({country: this.value}); });
    update();
    if (global.performance) element.setAttribute("data-render-ms", String(Math.round(global.performance.now() - t0)));
    if (global.performance) element.setAttribute("data-ready-ms", String(Math.round(global.performance.now())));
    return {update: update, select: choose, element: element};
  }

  global.renderMap = renderMap;
  if (typeof module !== "undefined" && module.exports) module.exports = renderMap;
})(typeof window !== "undefined" ? window : this);
