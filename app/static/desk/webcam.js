// The desk's webcam for a photo: a live picture, and "Take photo" puts the current frame into the
// form's photo file field as a JPEG, as if it had been chosen from disk. The crop tool
// (register/crop.js) then frames it at 35:45 and the server checks it like any upload.
(function () {
  "use strict";
  const box = document.querySelector("[data-webcam]");
  const input = document.querySelector("input[type=file][name=photo]");
  if (!box || !input) return;
  const note = box.querySelector("[data-webcam-note]");
  const video = box.querySelector("[data-webcam-preview]");
  const startButton = box.querySelector("[data-webcam-start]");
  const takeButton = box.querySelector("[data-webcam-take]");
  const stopButton = box.querySelector("[data-webcam-stop]");
  let stream = null;

  box.hidden = false;
  // Browsers open cameras only for https:// pages (and loopback); a file upload always works.
  if (!window.isSecureContext || !navigator.mediaDevices ||
      typeof navigator.mediaDevices.getUserMedia !== "function" || typeof DataTransfer !== "function") {
    note.textContent = "The camera works only when this page is opened over HTTPS; choose a photo file instead.";
    startButton.hidden = true;
    return;
  }

  function showing(on) {
    video.hidden = !on;
    takeButton.hidden = !on;
    stopButton.hidden = !on;
    startButton.hidden = on;
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    showing(false);
  }

  async function start() {
    note.textContent = "Opening the camera…";
    startButton.disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: {facingMode: "user", width: {ideal: 1280}, height: {ideal: 960}},
      });
      video.srcObject = stream;
      await video.play();
      note.textContent = "Face and shoulders in the middle, looking at the camera, then Take photo.";
      showing(true);
    } catch (error) {
      stop();
      note.textContent = error && error.name === "NotAllowedError"
        ? "The browser was not allowed to use the camera; allow it in the address bar, or choose a photo file."
        : "No camera could be opened (" + (error && error.name || "error") + "); choose a photo file instead.";
    } finally {
      startButton.disabled = false;
    }
  }

  function take() {
    if (!stream || !video.videoWidth) return;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob(function (blob) {
      if (!blob) return;
      const files = new DataTransfer();
      files.items.add(new File([blob], "desk-camera.jpg", {type: "image/jpeg"}));
      input.files = files.files;
      // crop.js shows the frame on the picture, as for a chosen file.
      input.dispatchEvent(new Event("change", {bubbles: true}));
      stop();
      note.textContent = "Photo taken: adjust the frame below, or take another.";
    }, "image/jpeg", 0.92);
  }

  startButton.addEventListener("click", start);
  takeButton.addEventListener("click", take);
  stopButton.addEventListener("click", function () { stop(); note.textContent = ""; });
  // The camera light goes off when the clerk leaves the page.
  window.addEventListener("pagehide", stop);
})();
