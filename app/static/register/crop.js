// Photo crop tool: a frame at the passport ratio (35:45) over the chosen photo.
// It only fills the hidden crop_* fields, in pixels of the upright image; the
// server does the cropping, so the form works the same without JavaScript.
(function () {
  "use strict";
  const RATIO = 35 / 45;
  const MIN_W = 300, MIN_H = 385;
  const form = document.querySelector(".register-form");
  if (!form) return;
  const input = form.querySelector("input[type=file][name=photo]");
  const box = form.querySelector("[data-cropper]");
  const stage = form.querySelector("[data-crop-stage]");
  if (!input || !box || !stage) return;
  const fields = ["x", "y", "width", "height"].map(function (k) { return form.querySelector("#crop_" + k); });

  const img = document.createElement("img");
  img.alt = "Your photo";
  img.className = "crop-image";
  img.draggable = false;
  const frame = document.createElement("div");
  frame.className = "crop-frame";
  frame.tabIndex = 0;
  frame.setAttribute("role", "slider");
  frame.setAttribute("aria-label", "Crop frame: arrow keys move it, Shift and arrow keys resize it");
  const handle = document.createElement("div");
  handle.className = "crop-handle";
  frame.appendChild(handle);
  const warning = document.createElement("p");
  warning.className = "error";
  warning.hidden = true;
  stage.append(img, frame);
  box.appendChild(warning);

  let url = null;
  // The frame in image pixels (natural size of the upright image).
  let crop = null;

  function clearFields() { fields.forEach(function (f) { f.value = ""; }); }

  function scale() { return img.naturalWidth / img.clientWidth; }

  function clamp() {
    const nw = img.naturalWidth, nh = img.naturalHeight;
    crop.w = Math.min(crop.w, nw, nh * RATIO);
    crop.w = Math.max(crop.w, Math.min(40 * scale(), nw, nh * RATIO));
    crop.h = crop.w / RATIO;
    crop.x = Math.min(Math.max(0, crop.x), nw - crop.w);
    crop.y = Math.min(Math.max(0, crop.y), nh - crop.h);
  }

  function render() {
    clamp();
    const s = scale();
    frame.style.left = (crop.x / s) + "px";
    frame.style.top = (crop.y / s) + "px";
    frame.style.width = (crop.w / s) + "px";
    frame.style.height = (crop.h / s) + "px";
    fields[0].value = Math.round(crop.x);
    fields[1].value = Math.round(crop.y);
    fields[2].value = Math.round(crop.w);
    fields[3].value = Math.round(crop.h);
    const small = Math.round(crop.w) < MIN_W || Math.round(crop.h) < MIN_H;
    warning.hidden = !small;
    warning.textContent = small ? "This part of the photo is " + Math.round(crop.w) + " × " +
      Math.round(crop.h) + " pixels; at least " + MIN_W + " × " + MIN_H + " are needed. " +
      "Make the frame larger or choose a sharper photo." : "";
    frame.setAttribute("aria-valuetext", "frame at " + Math.round(crop.x) + ", " + Math.round(crop.y) +
      ", " + Math.round(crop.w) + " by " + Math.round(crop.h) + " pixels");
  }

  function start() {
    // Like the server's default: as large as fits, centred, a little above the middle.
    const nw = img.naturalWidth, nh = img.naturalHeight;
    const w = Math.min(nw, nh * RATIO), h = w / RATIO;
    crop = { x: (nw - w) / 2, y: (nh - h) / 3, w: w, h: h };
    box.hidden = false;
    render();
  }

  // A photo held from the last submit is replaced by whatever is chosen now.
  const held = form.querySelector("[data-held-photo]");
  input.addEventListener("change", function () {
    if (held) held.hidden = input.files.length > 0;
    if (url) URL.revokeObjectURL(url);
    url = null;
    crop = null;
    clearFields();
    box.hidden = true;
    const file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type)) return;
    url = URL.createObjectURL(file);
    img.src = url;
  });
  // A file the browser cannot show is left for the server to judge.
  img.addEventListener("load", start);
  img.addEventListener("error", function () { box.hidden = true; clearFields(); });
  window.addEventListener("resize", function () { if (crop) render(); });

  let drag = null;
  frame.addEventListener("pointerdown", function (e) {
    if (!crop) return;
    e.preventDefault();
    frame.setPointerCapture(e.pointerId);
    drag = { resize: e.target === handle, px: e.clientX, py: e.clientY,
             start: { x: crop.x, y: crop.y, w: crop.w } };
  });
  frame.addEventListener("pointermove", function (e) {
    if (!drag) return;
    const s = scale();
    const dx = (e.clientX - drag.px) * s, dy = (e.clientY - drag.py) * s;
    if (drag.resize) {
      // Keep the ratio: follow whichever way the pointer moved further.
      crop.w = Math.max(drag.start.w + dx, (drag.start.w / RATIO + dy) * RATIO);
      crop.x = drag.start.x;
      crop.y = drag.start.y;
    } else {
      crop.x = drag.start.x + dx;
      crop.y = drag.start.y + dy;
    }
    render();
  });
  function stop() { drag = null; }
  frame.addEventListener("pointerup", stop);
  frame.addEventListener("pointercancel", stop);

  frame.addEventListener("keydown", function (e) {
    if (!crop) return;
    const step = Math.max(1, Math.round(img.naturalWidth / 100));
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    if (e.shiftKey) {
      crop.w += (m[0] || -m[1]) * step;
    } else {
      crop.x += m[0] * step;
      crop.y += m[1] * step;
    }
    render();
  });
})();
