// The kiosk's start page: a delegate may hold the QR code of their approval e-mail up to the
// camera instead of a scanner (camera.js reads it); the code goes into the form as typed. Where
// the browser gives no camera (plain http, none fitted) the page stays as it is: scanner and
// keyboard.
(function () {
  "use strict";
  const camera = window.LanyardCamera;
  const box = document.querySelector("[data-camera]");
  const form = document.querySelector(".kiosk-form");
  if (!camera || !box || !form || !camera.supported()) return;
  const input = form.querySelector("input[name=code]");
  const problems = {
    NotAllowedError: "The camera is not allowed here. Please scan or type your code.",
    NotFoundError: "This kiosk has no camera. Please scan or type your code.",
    NotReadableError: "The camera is busy. Please scan or type your code.",
  };

  camera.button(box, {
    startLabel: "Show the code on your phone to the camera",
    stopLabel: "Stop the camera",
    onCode: function (text) {
      camera.stop();
      input.value = text;
      form.requestSubmit();
    },
    shown: function () {
      input.focus();  // a scanner still types into the code field
    },
    problem: function (error) {
      return problems[error.name] || "The camera could not start. Please scan or type your code.";
    },
  });
  box.hidden = false;
})();
