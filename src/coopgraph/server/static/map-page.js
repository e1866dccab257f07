// The /map page: fetch the map's data (/map/data.json) and draw it with the script coopgraph publish
// uses (static/map/coopgraph-map.js). A click on a point opens the partner's page on this server.
// An external file because the Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var el = document.getElementById("map");
  function href(iri) {  // our IRIs answer on this server at the same path, as in the server's pages
    return iri.indexOf(cfg.iriBase) === 0 ? cfg.base + "/" + iri.slice(cfg.iriBase.length) : iri;
  }
  function fail(message) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "error";
    p.id = "map-status";
    p.textContent = "La carte n'a pas pu être chargée / the map could not be loaded: " + message;
    el.appendChild(p);
  }
  if (typeof renderMap === "undefined") { fail("scripts missing"); return; }
  fetch(cfg.data, {headers: {Accept: "application/json"}})
    .then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(r.status + " " + t); });
      return r.json();
    })
    .then(function (data) {
      renderMap(el, data, {
        onClick: function (e) { window.location.href = href(e.partner.id); },
        href: function (p) { return href(p.id); }
      });
      el.setAttribute("data-ready", "true");
    })
    .catch(function (e) { fail(e.message); });
});
