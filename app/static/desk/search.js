// The front desk's search: results while the clerk types, and the keyboard to act on them.
// Without this file the page is a plain GET form.
(function () {
  "use strict";
  const form = document.getElementById("desk-search");
  const results = document.getElementById("desk-results");
  if (!form || !results) return;
  const input = form.querySelector("input[name=q]");
  let latest = 0;
  let timer = null;

  function hits() {
    return Array.from(results.querySelectorAll("li[role=option]"));
  }

  function select(index) {
    const items = hits();
    if (!items.length) return;
    index = Math.max(0, Math.min(index, items.length - 1));
    items.forEach((item, i) => item.setAttribute("aria-selected", i === index ? "true" : "false"));
    items[index].focus();
  }

  function selectedIndex() {
    return hits().findIndex((item) => item.getAttribute("aria-selected") === "true");
  }

  async function refresh() {
    const query = input.value.trim();
    const asked = ++latest;
    const url = new URL(form.dataset.resultsUrl, window.location.href);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      // A slower answer to an earlier query must not replace a newer one.
      if (!response.ok || asked !== latest) return;
      results.innerHTML = await response.text();
      const address = new URL(window.location.href);
      address.searchParams.set("q", query);
      window.history.replaceState(null, "", address);
    } catch (error) {
      // Offline or the server away: the Find button still submits the form.
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && hits().length) {
      event.preventDefault();
      select(0);
    }
  });

  results.addEventListener("keydown", (event) => {
    const item = event.target.closest("li[role=option]");
    if (!item || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "ArrowDown") {
      event.preventDefault();
      select(selectedIndex() + 1);
    } else if (key === "ArrowUp" && selectedIndex() > 0) {
      event.preventDefault();
      select(selectedIndex() - 1);
    } else if (key === "Enter") {
      event.preventDefault();
      window.location.assign(item.dataset.open);
    } else if (key === "p" || key === "h") {
      // Only what the hit offers: a person not ready to print prints nothing.
      event.preventDefault();
      if (key === "p" && item.dataset.print) document.getElementById(item.dataset.print).requestSubmit();
      if (key === "h" && item.dataset.handOver) window.location.assign(item.dataset.handOver);
    } else if (key === "Escape") {
      event.preventDefault();
      input.focus();
      input.select();  // typing starts a new search
    } else if (key === "ArrowUp" || key.length === 1) {
      if (key === "ArrowUp") event.preventDefault();
      // Back to the box, after what it holds: a letter goes on with the search.
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  });
})();
