// The query page: POST the query to the endpoint, show JSON results as a table.
"use strict";

const form = document.getElementById("query-form");
const queryBox = document.getElementById("query");
const results = document.getElementById("results");
const statusLine = document.getElementById("status");
const named = JSON.parse(document.getElementById("named-queries-data").textContent);

document.getElementById("named-queries").addEventListener("change", (event) => {
  const chosen = named[Number(event.target.value)];
  if (chosen) queryBox.value = chosen[1];
});

// Entities of the graph link to their page on this server rather than to w3id.org.
const ENTITY = "https://w3id.org/iraqkg/id/";

function href(iri) {
  if (!iri.startsWith(ENTITY)) return iri;
  const slug = encodeURIComponent(iri.slice(ENTITY.length));
  return new URL("id/" + slug, new URL(".", form.action)).href;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const a = document.createElement("a");
    a.href = href(term.value);
    a.textContent = term.value;
    td.appendChild(a);
  } else {
    td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
    if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
    if (term.datatype) td.title = term.datatype;
  }
  return td;
}

function showTable(data) {
  if (data.boolean !== undefined) {
    results.textContent = "ASK: " + data.boolean;
    return;
  }
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = "?" + name;
    head.appendChild(th);
  }
  for (const binding of data.results.bindings) {
    const row = table.insertRow();
    for (const name of data.head.vars) row.appendChild(cell(binding[name]));
  }
  results.replaceChildren(table);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  statusLine.textContent = "running...";
  results.replaceChildren();
  const started = performance.now();
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": document.getElementById("accept").value,
      },
      body: new URLSearchParams({ query: queryBox.value }),
    });
    const type = response.headers.get("Content-Type") || "";
    const elapsed = Math.round(performance.now() - started);
    if (!response.ok) {
      const problem = await response.json().catch(() => ({ message: response.statusText }));
      const where = problem.line ? ` (line ${problem.line}, column ${problem.column})` : "";
      results.innerHTML = "";
      const p = document.createElement("pre");
      p.className = "error";
      p.textContent = `${response.status}: ${problem.message}${where}`;
      results.appendChild(p);
      statusLine.textContent = "";
      return;
    }
    const truncated = response.headers.get("X-Iraqkg-Truncated")
      ? ` (cut at ${response.headers.get("X-SPARQL-MaxRows")} rows)` : "";
    statusLine.textContent = `${elapsed} ms${truncated}`;
    if (type.startsWith("application/sparql-results+json")) {
      showTable(await response.json());
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.replaceChildren(pre);
    }
  } catch (error) {
    statusLine.textContent = "";
    results.textContent = "request failed: " + error;
  }
});
