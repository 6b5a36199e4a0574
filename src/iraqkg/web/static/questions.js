// Question pages: entity fields suggest names as you type, from /search/suggest.
// Without that service (or without JavaScript) a field is plain text: id:name or an IRI.
"use strict";

const ENTITY = "https://w3id.org/iraqkg/id/";

function asValue(id) {
  if (id.startsWith(ENTITY)) return "id:" + id.slice(ENTITY.length);
  if (/^https?:\/\//.test(id)) return "<" + id + ">";
  return id.includes(":") ? id : "id:" + id;
}

function looksLikeTerm(text) {
  return /^(id:|ikg:|<|https?:|")/.test(text);
}

for (const input of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let available = true;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!available || text.length < 2 || looksLikeTerm(text)) return;
    timer = setTimeout(async () => {
      try {
        const url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) {
          if (response.status === 404) available = false;
          return;
        }
        const data = await response.json();
        const options = (data.results || []).map((hit) => {
          const option = document.createElement("option");
          option.value = asValue(String(hit.id));
          option.label = [hit.name, hit.type].filter(Boolean).join(" · ");
          option.textContent = option.label;
          return option;
        });
        list.replaceChildren(...options);
      } catch (error) {
        available = false;
      }
    }, 200);
  });
}
