// The SPARQL editor: YASGUI (vendored in static/yasgui/) on this endpoint, with the named
// queries as examples (parameter defaults spelled out), shareable /sparql?query= links,
// and errors said in one line with the parser's message behind it.
"use strict";

const config = JSON.parse(document.getElementById("editor-config").textContent);
const examples = JSON.parse(document.getElementById("named-queries-data").textContent);

// An endpoint error is our JSON error shape: {status, error, message, line, column, detail}.
function errorElement(error) {
  let problem = null;
  try {
    problem = JSON.parse(error.text);
  } catch (e) {
    problem = null;
  }
  const box = document.createElement("div");
  box.className = "iraqkg-error";
  const line = document.createElement("p");
  line.className = "error one-line";
  line.textContent = problem && problem.message
    ? problem.message
    : `${error.status || ""} ${error.statusText || error.text || "the query failed"}`.trim();
  box.appendChild(line);
  if (problem && problem.detail) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "The parser's message";
    const pre = document.createElement("pre");
    pre.textContent = problem.detail;
    details.append(summary, pre);
    box.appendChild(details);
  }
  return box;
}

// The endpoint predefines these: the editor's syntax check must not call them undeclared
// (read by the tokenizer of the vendored bundle; see static/yasgui/README.md).
globalThis.IRAQKG_PREFIXES = config.prefixes;
Yasgui.Yasr.defaults.errorRenderers = [async (error) => errorElement(error)];
Yasgui.Yasr.defaults.prefixes = config.prefixes;
// The Chart tab (static/editor-chart.js) next to the table, before the raw response.
Yasgui.Yasr.defaults.pluginOrder = ["table", "chart", "response"];

const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: {
    endpoint: config.endpoint,
    method: "POST",
    acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
    acceptHeaderGraph: "text/turtle,*/*;q=0.9",
  },
  copyEndpointOnNewTab: true,
  populateFromUrl: false, // this page reads ?query= itself (the server gave it)
  persistenceId: "iraqkg-editor",
  endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
  yasqe: {
    // Prefix completion from this endpoint's own prefixes; no LOV look-ups (offline).
    prefixCcApi: config.prefixesUrl,
    autocompleters: ["prefixes", "variables"],
    value: config.defaultQuery,
  },
});

function openQuery(name, text, run) {
  // The same query opened again (a link followed twice) reuses its tab.
  let tab = Object.values(yasgui._tabs).find((t) => t.getName() === name && t.getQuery() === text);
  if (tab) {
    yasgui.selectTabId(tab.getId());
  } else {
    tab = yasgui.addTab(true, { name: name });
    tab.setQuery(text);
  }
  tab.setEndpoint(config.endpoint);
  if (run) tab.query().catch(() => {}); // errors are drawn by the renderer above
  return tab;
}

// Our entities link to their page on this server, not to w3id.org (offline, and readable).
const ENTITY = "https://w3id.org/iraqkg/id/";
document.getElementById("yasgui").addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (link && link.href.startsWith(ENTITY)) {
    link.href = config.entityBase + link.href.slice(ENTITY.length);
    link.removeAttribute("target");
  }
}, true);

if (config.query !== null) openQuery("Shared query", config.query, true);

document.getElementById("named-queries").addEventListener("change", (event) => {
  const chosen = examples[Number(event.target.value)];
  if (chosen) openQuery(chosen[0], chosen[1], true);
});

window.iraqkgEditor = yasgui; // for the browser tests and the curious
