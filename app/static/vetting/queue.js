// The vetting queue by keyboard: j/k or the arrows move, Enter opens, x ticks, a approves,
// c clears. The keys act on the highlighted row; typing in a field is left alone.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("[data-queue] [data-row]"));
  if (!rows.length) return;
  let current = 0;

  function mark(index) {
    rows[current].classList.remove("current");
    rows[current].removeAttribute("aria-current");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("current");
    rows[current].setAttribute("aria-current", "true");
    rows[current].scrollIntoView({block: "nearest"});
  }

  function submit(selector) {
    const form = rows[current].querySelector(selector);
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest("input, textarea, select") && target.type !== "checkbox") return;
    const keys = {
      j: () => mark(current + 1), ArrowDown: () => mark(current + 1),
      k: () => mark(current - 1), ArrowUp: () => mark(current - 1),
      Enter: () => { window.location.href = rows[current].dataset.href; },
      x: () => { const box = rows[current].querySelector("input[type=checkbox]"); box.checked = !box.checked; },
      a: () => submit("form[data-approve]"),
      c: () => submit("form[data-clear]"),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
  mark(0);
})();
