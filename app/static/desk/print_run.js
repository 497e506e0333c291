// A print run's progress bar: asks the server how far the run is, every second, and shows
// the finished page (files, people left out) once it ends. Without JavaScript the page
// refreshes itself instead.
(function () {
  "use strict";
  const box = document.querySelector("[data-print-run]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {credentials: "same-origin",
                                                            headers: {Accept: "application/json"}});
      if (response.ok) {
        const status = await response.json();
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        text.textContent = `${status.title}: ${status.done} of ${status.total} (${status.percent}%)`;
        if (status.finished) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // The server is busy or away for a moment: ask again.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
