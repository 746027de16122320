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

  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    autoAddOnInit: false,
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
  root.dataset.ready = "true";
})();
