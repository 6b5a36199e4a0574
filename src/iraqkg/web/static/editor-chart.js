// The editor's "Chart" tab: a YASR plugin drawing a SELECT result as a bar, line or pie
// chart with Chart.js (vendored in static/chartjs/, MIT; nothing is fetched from elsewhere).
// Numbers are the cells typed with an XSD numeric datatype; a column of xsd:date, gYear,
// gYearMonth or dateTime values can be a time axis on a line chart. Labels from IRIs are
// shortened with the endpoint's prefixes. Loaded after yasgui.min.js, before editor.js.
"use strict";

(() => {
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMERIC = new Set(
    [
      "integer", "decimal", "float", "double", "int", "long", "short", "byte",
      "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
      "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    ].map((name) => XSD + name),
  );
  const DATES = new Set(["date", "dateTime", "gYear", "gYearMonth"].map((name) => XSD + name));
  // A time the sources bound but do not give ("after 2020-01"): no place on a time axis.
  const PERIOD = "https://w3id.org/iraqkg/ontology#period";
  // Bars, points or slices drawn at most: more would be unreadable; the table has them all.
  const MAX_SHOWN = 40;
  const TYPES = { bar: "Bar", line: "Line", pie: "Pie" };

  // As the library's own compact form (iraqkg.engines.jsonld.compact): the longest
  // namespace that leaves a plain local name wins; otherwise the IRI stays whole.
  const SAFE_LOCAL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
  function shorten(iri, prefixes) {
    const longestFirst = Object.entries(prefixes || {}).sort((a, b) => b[1].length - a[1].length);
    for (const [prefix, namespace] of longestFirst) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && SAFE_LOCAL.test(local)) return `${prefix}:${local}`;
    }
    return iri;
  }

  function text(cell, prefixes) {
    if (!cell) return "";
    if (cell.type === "uri") return shorten(cell.value, prefixes);
    if (cell.type === "bnode") return `_:${cell.value}`;
    return cell.value;
  }

  function isNumber(cell) {
    return !!cell && cell.type !== "uri" && NUMERIC.has(cell.datatype) && isFinite(cell.value);
  }

  // Milliseconds since 1970 (UTC) for the simple XSD date forms; NaN otherwise.
  function time(cell) {
    if (!cell || !DATES.has(cell.datatype)) return NaN;
    if (cell.datatype === XSD + "dateTime") return Date.parse(cell.value);
    const parts = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(cell.value);
    if (!parts) return NaN;
    return Date.UTC(Number(parts[1]), parts[2] ? Number(parts[2]) - 1 : 0, Number(parts[3] || 1));
  }

  function datedColumn(cells) {
    const dates = cells.filter((cell) => !Number.isNaN(time(cell))).length;
    const periods = cells.filter((cell) => cell.type !== "uri" && cell.datatype === PERIOD).length;
    return dates > 0 && dates * 2 > cells.length - periods;
  }

  // What each column holds: numbers if every bound cell is one, dates likewise.
  function describe(variables, bindings) {
    return variables.map((name) => {
      const cells = bindings.map((row) => row[name]).filter(Boolean);
      return {
        name,
        numeric: cells.length > 0 && cells.every(isNumber),
        // Mostly dates, periods aside (a period is a time, only not a point): a time axis,
        // without the rows it cannot place. Counting periods against the dates turned the
        // events' own dates into categories once the data held more periods than dates.
        dated: datedColumn(cells),
      };
    });
  }

  // A linear axis of milliseconds: over two years or more, one tick per year (or per few
  // years) on 1 January, written as the year; otherwise days written as YYYY-MM-DD.
  function timeScale(times) {
    const first = new Date(Math.min(...times)).getUTCFullYear();
    const last = new Date(Math.max(...times)).getUTCFullYear();
    if (last - first < 2) {
      return {
        type: "linear",
        ticks: { callback: (ms) => new Date(ms).toISOString().slice(0, 10) },
      };
    }
    const step = Math.max(1, Math.ceil((last + 1 - first) / 12));
    const years = [];
    for (let year = first; years.length === 0 || years[years.length - 1] <= last; year += step) {
      years.push(year); // ends past the last year, so its 1 January closes the axis
    }
    return {
      type: "linear",
      min: Date.UTC(first, 0, 1),
      max: Date.UTC(years[years.length - 1], 0, 1),
      afterBuildTicks: (scale) => {
        scale.ticks = years.map((year) => ({ value: Date.UTC(year, 0, 1) }));
      },
      ticks: { callback: (ms) => String(new Date(ms).getUTCFullYear()) },
    };
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function select(label, options, chosen, onChange) {
    const wrapper = element("label", "iraqkg-chart-choice", `${label} `);
    const field = document.createElement("select");
    for (const [value, name] of options) {
      const option = element("option", null, name);
      option.value = value;
      option.selected = value === chosen;
      field.appendChild(option);
    }
    field.addEventListener("change", () => onChange(field.value));
    wrapper.appendChild(field);
    return wrapper;
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Chart";
      this.priority = 5; // below the table: never chosen by itself
      this.persistentConfig = { type: "bar" };
      this.chart = null; // the Chart.js instance (read by the browser tests)
      this.shown = null; // what was charted: {labels, values, label, value, rows}
    }

    canHandleResults() {
      // Any SELECT result: one without numbers gets a message here, not YASR's fallback.
      const results = this.yasr.results;
      return !!results && !!results.getVariables && results.getVariables().length > 0;
    }

    getIcon() {
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 16 16");
      svg.setAttribute("width", "16");
      svg.setAttribute("height", "16");
      for (const [x, height] of [[1, 8], [6, 13], [11, 5]]) {
        const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        bar.setAttribute("x", String(x));
        bar.setAttribute("y", String(15 - height));
        bar.setAttribute("width", "4");
        bar.setAttribute("height", String(height));
        bar.setAttribute("fill", "currentColor");
        svg.appendChild(bar);
      }
      const icon = element("div");
      icon.appendChild(svg);
      return icon;
    }

    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
      if (this.controls) this.controls.remove();
      this.controls = null;
    }

    download(name) {
      if (!this.shown) return undefined;
      const quote = (value) => `"${String(value).replace(/"/g, '""')}"`;
      const lines = [[this.shown.label, this.shown.value].map(quote).join(",")];
      this.shown.labels.forEach((label, i) => {
        lines.push([quote(label), this.shown.values[i] ?? ""].join(","));
      });
      return {
        getData: () => lines.join("\r\n") + "\r\n",
        contentType: "text/csv",
        title: "Download the charted values",
        filename: `${name || "queryResults"}-chart.csv`,
      };
    }

    draw(persistentConfig) {
      this.destroy();
      this.persistentConfig = { ...this.persistentConfig, ...(persistentConfig || {}) };
      const config = this.persistentConfig;
      const variables = this.yasr.results.getVariables();
      const bindings = this.yasr.results.getBindings() || [];
      const columns = describe(variables, bindings);
      // Redrawn from its own controls, the old chart's box goes first (YASR empties the
      // results only when it draws).
      while (this.yasr.resultsEl.firstChild) this.yasr.resultsEl.firstChild.remove();
      const numeric = columns.filter((c) => c.numeric);
      const box = element("div", "iraqkg-chart");
      this.yasr.resultsEl.appendChild(box);
      this.shown = null;
      if (numeric.length === 0) {
        box.appendChild(element("p", "iraqkg-chart-message",
          bindings.length === 0
            ? "No rows: nothing to chart."
            : "No column of numbers to chart. A chart needs a column of xsd numbers, "
              + "for example (COUNT(?x) AS ?n) with GROUP BY."));
        return;
      }
      const value = numeric.some((c) => c.name === config.value) ? config.value : numeric[0].name;
      const others = columns.filter((c) => c.name !== value);
      const label = others.some((c) => c.name === config.label)
        ? config.label
        : (others.find((c) => !c.numeric) || others[0] || { name: "" }).name;
      const type = TYPES[config.type] ? config.type : "bar";
      this.drawControls(type, label, value, columns);

      const labelColumn = columns.find((c) => c.name === label);
      const timeAxis = type === "line" && !!labelColumn && labelColumn.dated;
      let rows = bindings.filter((row) => isNumber(row[value]));
      const numbered = rows.length;
      if (timeAxis) {
        rows = rows.filter((row) => !Number.isNaN(time(row[label])));
        rows.sort((a, b) => time(a[label]) - time(b[label]));
      }
      const kept = rows.slice(0, MAX_SHOWN);
      const labels = kept.map((row, i) => (label ? text(row[label], this.yasr.getPrefixes()) : "")
        || `row ${i + 1}`);
      const values = kept.map((row) => Number(row[value].value));
      this.shown = { labels, values, label: label || "row", value, rows: rows.length };

      const notes = [];
      if (rows.length > MAX_SHOWN) {
        notes.push(`Showing the first ${MAX_SHOWN} of ${rows.length} rows; the table has them all.`);
      }
      const plural = (n, one) => `${n} ${n === 1 ? one : one.replace("row", "rows")}`;
      if (bindings.length > numbered) {
        const missing = plural(bindings.length - numbered, "row without a number in");
        notes.push(`${missing} ?${value} left out.`);
      }
      if (numbered > rows.length) {
        const undated = plural(numbered - rows.length, "row without a plain XSD date in");
        notes.push(`${undated} ?${label} (a period, or none) left out of the time axis.`);
      }
      for (const note of notes) box.appendChild(element("p", "iraqkg-chart-note", note));

      const holder = element("div", `iraqkg-chart-canvas iraqkg-chart-${type}`);
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${TYPES[type]} chart of ?${value} by ?${label || "row"}`);
      holder.appendChild(canvas);
      box.appendChild(holder);

      const dataset = { label: `?${value}`, data: values };
      const options = {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: type === "pie" } },
      };
      // Counts are whole numbers: no 2.5 ticks on their axis.
      const y = { beginAtZero: true, ticks: values.every(Number.isInteger) ? { precision: 0 } : {} };
      if (timeAxis) {
        dataset.data = kept.map((row, i) => ({ x: time(row[label]), y: values[i] }));
        options.scales = { x: timeScale(dataset.data.map((point) => point.x)), y };
        options.plugins.tooltip = {
          callbacks: { title: (items) => items.map((item) => labels[item.dataIndex]) },
        };
      } else if (type !== "pie") {
        options.scales = { x: { ticks: { autoSkip: true, maxRotation: 60 } }, y };
      }
      this.chart = new Chart(canvas, { type, data: { labels, datasets: [dataset] }, options });
    }

    drawControls(type, label, value, columns) {
      const store = (key) => (chosen) => {
        this.persistentConfig[key] = chosen;
        this.yasr.storePluginConfig("chart", this.persistentConfig);
        this.draw(this.persistentConfig);
      };
      const names = columns.map((c) => [c.name, `?${c.name}`]);
      this.controls = element("div", "iraqkg-chart-controls");
      this.controls.append(
        select("Chart", Object.entries(TYPES), type, store("type")),
        select("labels", names.filter(([name]) => name !== value), label, store("label")),
        select("values", names.filter((_, i) => columns[i].numeric), value, store("value")),
      );
      this.yasr.pluginControls.appendChild(this.controls);
    }
  }

  Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
