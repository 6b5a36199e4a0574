// Search-as-you-type for every form.searchbox: suggestions from /search/suggest under the box.
// Arrow keys move, Enter opens the chosen entity's page; without a choice the form submits.
(function () {
  "use strict";
  function setup(form) {
    var input = form.querySelector("input[data-suggest]");
    var list = form.querySelector(".suggestions");
    if (!input || !list) return;
    var url = input.getAttribute("data-suggest");
    var typeSelect = form.querySelector("select[name=type]");
    var active = -1, timer = null, asked = 0;
    function items() { return list.querySelectorAll("li"); }
    function highlight(i) {
      var all = items();
      active = Math.max(-1, Math.min(i, all.length - 1));
      for (var k = 0; k < all.length; k++) {
        all[k].setAttribute("aria-selected", k === active ? "true" : "false");
      }
    }
    function show(results, q) {
      if (q !== undefined && list.dataset.q === q) return;  // the same list: keep the choice
      list.dataset.q = q || "";
      list.textContent = "";
      results.forEach(function (r) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        var a = document.createElement("a");
        a.href = r.href;
        a.textContent = r.name;
        li.appendChild(a);
        if (r.type) {
          var t = document.createElement("span");
          t.className = "hit-types";
          t.textContent = r.type;
          li.appendChild(t);
        }
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      active = -1;
    }
    function ask() {
      var q = input.value.trim();
      if (!q) { show([]); return; }
      var ticket = ++asked;
      var params = new URLSearchParams({ q: q });
      if (typeSelect && typeSelect.value) params.append("type", typeSelect.value);
      fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (ticket === asked) show(data.results || [], q); })
        .catch(function () { show([]); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { highlight(active + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { highlight(active - 1); e.preventDefault(); }
      else if (e.key === "Escape") { show([]); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        window.location.href = items()[active].querySelector("a").href;
      }
    });
  }
  document.querySelectorAll("form.searchbox").forEach(setup);
})();
