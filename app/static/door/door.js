// Door screen: send each scanned code to the API and show the verdict large.
// Works with a keyboard-wedge scanner (it types the code and presses Enter).
(function () {
  "use strict";
  const form = document.querySelector("[data-door-form]");
  if (!form) return;
  const verdictBox = document.querySelector("[data-verdict]");
  const input = form.querySelector("input[name=code]");
  const token = form.querySelector("input[name=csrf_token]").value;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(result) {
    verdictBox.hidden = false;
    verdictBox.className = "verdict " + (result.accepted ? "ok" : "refused");
    verdictBox.dataset.code = result.verdict;
    verdictBox.replaceChildren(
      el("div", "verdict-word", result.accepted ? "ACCEPTED" : "REFUSED"),
      // Refused: why. Accepted: where and which way, so a wrong lane setting shows at once.
      el("div", "verdict-reason", result.accepted && result.checkpoint_name
        ? result.checkpoint_name + " · " + (result.direction === "out" ? "exit" : "entry")
        : result.title));
    const p = result.person;
    if (p) {
      const row = el("div", "verdict-person");
      if (p.photo_url) {
        const img = el("img");
        img.src = p.photo_url;
        img.alt = "Badge holder photo";
        row.append(img);
      }
      const text = el("div");
      text.append(el("strong", "", (p.honorific ? p.honorific + " " : "") + p.name),
                  el("br"), p.organisation, el("br"), p.country_name + " · " + p.category_name);
      row.append(text);
      verdictBox.append(row);
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const code = input.value.trim();
    if (!code) return;
    input.value = "";
    const direction = form.querySelector("input[name=direction]:checked");
    const body = {
      code: code,
      checkpoint: Number(form.querySelector("select[name=checkpoint]").value),
      direction: direction ? direction.value : "in",
      nonce: crypto.randomUUID(),
      scanned_at: new Date().toISOString(),
    };
    try {
      const response = await fetch("/api/v1/scans", {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token},
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      const result = await response.json();
      if (!response.ok && !result.verdict) throw new Error(result.message || response.statusText);
      show(result);
    } catch (error) {
      show({accepted: false, verdict: "error", title: "No answer from the server: " + error.message});
    }
    input.focus();
  });

  // Phone camera (camera.js): a code the camera reads goes through the same form as a typed one.
  const camera = window.LanyardCamera;
  const cameraBox = document.querySelector("[data-camera]");
  if (camera && cameraBox) {
    const toggle = cameraBox.querySelector("[data-camera-toggle]");
    const preview = cameraBox.querySelector("[data-camera-preview]");
    const note = cameraBox.querySelector("[data-camera-note]");
    const cameraProblems = {
      NotAllowedError: "The camera was not allowed. Allow it for this site in the browser settings.",
      NotFoundError: "This device has no camera.",
      NotReadableError: "The camera is in use by another app.",
    };
    const tell = function (text) {
      note.textContent = text + " The USB scanner and typing a code still work.";
      note.hidden = false;
    };
    const showCamera = function (on) {
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? "Stop camera" : "Scan with camera";
      preview.hidden = !on;
      // The code field keeps focus for a USB scanner (typing into this button would press it),
      // without a phone keyboard popping up over the video.
      if (on) input.inputMode = "none"; else input.removeAttribute("inputmode");
      input.focus();
    };
    cameraBox.hidden = false;
    if (!camera.supported()) {
      toggle.hidden = true;
      tell("The camera needs a secure address (one starting with https://).");
    }
    toggle.addEventListener("click", async function () {
      if (toggle.getAttribute("aria-pressed") === "true") {
        camera.stop();
        showCamera(false);
        return;
      }
      note.hidden = true;
      showCamera(true);
      try {
        await camera.start(preview, function (text) {
          input.value = text;
          form.requestSubmit();
        }, function () {
          showCamera(false);
          tell("The camera stopped.");
        });
      } catch (error) {
        showCamera(false);
        tell(cameraProblems[error.name] || "The camera could not start (" + error.message + ").");
      }
    });
  }
})();
