// Registration form helpers: a live preview of the name as it will be printed.
(function () {
  "use strict";
  const form = document.querySelector(".register-form");
  if (!form) return;
  const preview = form.querySelector(".badge-name-preview");
  const given = form.querySelector("#given_name");
  const family = form.querySelector("#family_name");
  const printed = form.querySelector("#printed_name");
  const native = form.querySelector("#native_name");
  const honorific = form.querySelector("#honorific");

  function defaultName() {
    return [given.value.trim(), family.value.trim()].filter(Boolean).join(" ");
  }
  let printedTouched = printed.value.trim() !== "" && printed.value.trim() !== defaultName();
  printed.addEventListener("input", function () { printedTouched = printed.value.trim() !== ""; update(); });

  function update() {
    if (!printedTouched) printed.value = defaultName();
    const name = printed.value.trim();
    preview.hidden = !name;
    preview.querySelector("[data-preview-name]").textContent =
      [honorific.value.trim(), name].filter(Boolean).join(" ");
    preview.querySelector("[data-preview-native]").textContent = native.value.trim();
  }
  [given, family, native, honorific].forEach(function (f) { f.addEventListener("input", update); });
  update();
})();
