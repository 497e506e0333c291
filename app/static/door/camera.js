// A device's camera reads QR codes with the vendored zxing-wasm decoder (window.ZXingWASM): badges
// at the door (door.js), approval e-mail codes at a kiosk (kiosk.js). What a code means is theirs
// to say, not this file's.
// Needs data-wasm-url on its <script> tag: the decoder's .wasm as served by this app.
// window.LanyardCamera: supported(); start(video, onCode(text), onEnded()), a promise that
// rejects with getUserMedia's error; stop(); button(box, options), the on/off button both pages
// show (below).
(function () {
  "use strict";
  const wasmUrl = document.currentScript.dataset.wasmUrl;
  const SCAN_INTERVAL_MS = 250;
  // A badge held in front of the lens is read on every frame; it counts once until it has been
  // out of view this long, so a slow hand does not record a second entry.
  const REPEAT_AFTER_MS = 3000;
  const READER_OPTIONS = {formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1};

  let decoderReady = null;
  let session = null;

  function supported() {
    // getUserMedia exists only on https:// pages (and on loopback); plain http gets no camera.
    return window.isSecureContext === true && !!navigator.mediaDevices &&
      typeof navigator.mediaDevices.getUserMedia === "function";
  }

  function loadDecoder() {
    if (!window.ZXingWASM) return Promise.reject(new Error("the code reader did not load"));
    if (!decoderReady) {
      // Without locateFile the decoder fetches its .wasm from a CDN; this app serves its own.
      decoderReady = window.ZXingWASM.prepareZXingModule({
        overrides: {locateFile: (path, prefix) => path.endsWith(".wasm") ? wasmUrl : prefix + path},
        fireImmediately: true,
      }).catch(function (error) {
        decoderReady = null;  // let the next start() try again
        throw error;
      });
    }
    return decoderReady;
  }

  async function start(video, onCode, onEnded) {
    stop();
    const current = {video: video, stream: null, timer: null, lastText: null, lastSeen: 0};
    session = current;
    // Camera and decoder open together: the permission prompt need not wait for the download.
    const opening = navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {facingMode: "environment", width: {ideal: 1280}, height: {ideal: 720}},
    });
    let stream;
    try {
      [stream] = await Promise.all([opening, loadDecoder()]);
    } catch (error) {
      opening.then(stopTracks, function () {});
      if (session === current) session = null;
      throw error;
    }
    if (session !== current) {  // stopped while the camera was opening
      stopTracks(stream);
      return;
    }
    current.stream = stream;
    stream.getVideoTracks().forEach(function (track) {
      // Another app took the camera, or the permission was withdrawn.
      track.addEventListener("ended", function () {
        if (session !== current) return;
        stop();
        if (onEnded) onEnded();
      });
    });
    video.muted = true;
    video.playsInline = true;  // iOS would otherwise open its own full-screen player
    video.srcObject = stream;
    try {
      await video.play();
    } catch (error) {
      if (session !== current) return;  // stop() emptied the video before it played
      stop();
      throw error;
    }
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", {willReadFrequently: true});

    async function scanFrame() {
      if (session !== current) return;
      if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
        if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
          canvas.width = video.videoWidth;  // a phone turned sideways changes the frame size
          canvas.height = video.videoHeight;
        }
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        try {
          const results = await window.ZXingWASM.readBarcodes(image, READER_OPTIONS);
          const found = results.find(function (r) { return r.isValid && r.text; });
          if (found && session === current) report(found.text);
        } catch (error) {
          console.warn("QR decoding failed", error);
        }
      }
      if (session === current) current.timer = setTimeout(scanFrame, SCAN_INTERVAL_MS);
    }

    function report(text) {
      const now = Date.now();
      const repeated = text === current.lastText && now - current.lastSeen < REPEAT_AFTER_MS;
      current.lastText = text;
      current.lastSeen = now;
      if (!repeated) onCode(text);
    }

    scanFrame();
  }

  function stop() {
    const current = session;
    session = null;
    if (!current) return;
    clearTimeout(current.timer);
    if (current.stream) stopTracks(current.stream);
    current.video.srcObject = null;
  }

  function stopTracks(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
  }

  // The camera button of a page: `box` holds [data-camera-toggle], [data-camera-preview] and
  // [data-camera-note]. Pressed, it shows the preview and sends each code read to
  // options.onCode(text); pressed again, or when the camera ends or fails to start, it stops.
  // options: startLabel, stopLabel; shown(on), after the preview is shown or hidden;
  // problem(error), the note's words for a camera that did not start; ended, the note's words
  // when the camera stopped by itself (none: no note). Returns tell(text), to write the note.
  function button(box, options) {
    const toggle = box.querySelector("[data-camera-toggle]");
    const preview = box.querySelector("[data-camera-preview]");
    const note = box.querySelector("[data-camera-note]");

    function tell(text) {
      note.textContent = text;
      note.hidden = false;
    }

    function show(on) {
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? options.stopLabel : options.startLabel;
      preview.hidden = !on;
      options.shown(on);
    }

    toggle.addEventListener("click", async function () {
      if (toggle.getAttribute("aria-pressed") === "true") {
        stop();
        show(false);
        return;
      }
      note.hidden = true;
      show(true);
      try {
        await start(preview, options.onCode, function () {
          show(false);
          if (options.ended) tell(options.ended);
        });
      } catch (error) {
        show(false);
        tell(options.problem(error));
      }
    });
    return tell;
  }

  window.LanyardCamera = {supported: supported, start: start, stop: stop, button: button};
})();
