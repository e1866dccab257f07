// The YASGUI query editor on /sparql, prefilled with the usual prefixes; the saved queries are
// examples that open in a tab of their own. Served from the package (no CDN); without JavaScript
// the page keeps a plain form.
document.addEventListener("DOMContentLoaded", function () {
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var el = document.getElementById("yasgui");
  if (typeof Yasgui === "undefined" || !el) return;
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    persistenceId: null,  // every visit starts from the same editor: nothing kept in localStorage
    yasqe: { value: cfg.query },
  });
  window.coopgraphYasgui = yasgui;  // for people poking at it from the console (and the browser test)
  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      var ex = cfg.examples.find(function (e) { return e.name === a.dataset.name; });
      if (!ex) return;
      ev.preventDefault();
      var tab = yasgui.addTab(true, { name: ex.name, yasqe: { value: ex.text } });
      tab.show && tab.show();
      window.scrollTo(0, el.offsetTop);
    });
  });
});
