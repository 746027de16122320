// The query page: YASGUI over this server's /sparql, its settings read from the page's JSON block.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("query-ui-settings").textContent);
  const root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;

  // Only completers that need nothing from the web: no look-ups of terms in LOV.
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];
  // The prefix completer offers the dataset's prefixes (fetched from a data: URL, not prefix.cc).
  const prefixList = "data:application/json," + encodeURIComponent(JSON.stringify(settings.prefixes));

  // A link such as the catalogue's (?query=...&tabTitle=...) is read here, not by YASGUI, which
  // would add a new tab on every visit: the tab holding that query is reused.
  const linked = new URLSearchParams(window.location.search);
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    autoAddOnInit: false,
    populateFromUrl: false,
    persistenceId: settings.persistenceId,
    endpointCatalogueOptions: { getData: () => [{ endpoint: settings.endpoint }] },
    yasqe: {
      value: settings.examples[0].query,
      prefixCcApi: prefixList,
      collapsePrefixesOnLoad: true,
    },
    yasr: { prefixes: settings.prefixes },
  });
  if (yasgui.persistentConfig.getTabs().length === 0) {
    settings.examples.forEach((example, index) => {
      yasgui.addTab(index === 0, { name: example.name, yasqe: { value: example.query } });
    });
  }
  if (linked.has("query")) {
    openLinkedQuery(yasgui, linked.get("query"), linked.get("tabTitle"));
    window.history.replaceState(null, "", window.location.pathname);
  }
  showCellsInTheirOwnDirection(root);
  root.dataset.ready = "true";

  function openLinkedQuery(yasgui, query, title) {
    const tabs = yasgui.persistentConfig.getTabs();
    const existing = tabs.find((id) => yasgui.persistentConfig.getTab(id).yasqe.value === query);
    if (existing) {
      yasgui.selectTabId(existing);
    } else {
      yasgui.addTab(true, { name: title || "Query", yasqe: { value: query } });
    }
  }

  // A result cell takes the direction of its own text (Arabic evidence reads right to left), so
  // a long cell is cut at its end, never at its beginning.
  function showCellsInTheirOwnDirection(element) {
    const mark = () =>
      element.querySelectorAll(".yasr td:not([dir])").forEach((cell) => cell.setAttribute("dir", "auto"));
    new MutationObserver(mark).observe(element, { childList: true, subtree: true });
    mark();
  }
})();
