// The print preview (templates/products/_print_preview.html) follows its form's radio buttons:
// a new print, fit or crop position swaps the pictures' src for the server's new rendering.
// Without this file the form's Preview button reloads the page with the same choices.
(function () {
  function checked(form, name) {
    const input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function setup(pictures) {
    const form = pictures.closest("form");
    if (!form) return;
    const layouts = JSON.parse(pictures.dataset.layouts || "{}");
    const choices = form.querySelector("[data-crop-choice]");
    const positions = form.querySelector("[data-positions]");
    const caption = pictures.querySelector("[data-preview-caption]");
    const furniture = pictures.querySelector("[data-preview-furniture]");
    const submit = form.querySelector("[data-preview-submit]");
    const fallback = form.querySelector("[data-preview-fallback]"); // the artwork, for a download
    const fillNote = form.querySelector("[data-fill-note]");
    if (submit) submit.hidden = true; // the pictures follow the choices as they change

    function update() {
      const format = checked(form, "format") || pictures.dataset.format;
      const layout = layouts[format];
      pictures.hidden = !layout; // a download: nothing to preview
      if (fallback) fallback.hidden = !!layout;
      if (choices) choices.hidden = !layout || !layout.fit_matters;
      if (!layout) return;
      // A print too coarse when cropped (data-fill-too-coarse on its radio) is fitted whole.
      const chosen = form.querySelector('input[name="format"]:checked');
      const fillInput = form.querySelector('input[name="fit"][value="fill"]');
      const fitInput = form.querySelector('input[name="fit"][value="fit"]');
      const tooCoarse = !!(chosen && chosen.hasAttribute("data-fill-too-coarse"));
      if (fillInput && fitInput) {
        fillInput.disabled = tooCoarse;
        if (tooCoarse && fillInput.checked) fitInput.checked = true;
      }
      if (fillNote) fillNote.hidden = !tooCoarse;
      const fit = checked(form, "fit") || "fill";
      if (positions) {
        positions.hidden = fit !== "fill" || layout.positions.length === 0;
        positions.querySelectorAll("[data-position]").forEach(function (label) {
          label.hidden = layout.positions.indexOf(label.dataset.position) < 0;
        });
      }
      let position = checked(form, "position") || "center";
      if (layout.positions.indexOf(position) < 0) {
        position = "center";
        const centre = form.querySelector('input[name="position"][value="center"]');
        if (centre) centre.checked = true;
      }
      const text = layout.captions[fit + "/" + position] || layout.name;
      pictures.querySelectorAll("img[data-scene]").forEach(function (img) {
        const query = new URLSearchParams({ format: format, fit: fit, position: position });
        query.set("scene", img.dataset.scene);
        const src = pictures.dataset.previewUrl + "?" + query.toString();
        if (img.getAttribute("src") !== src) img.setAttribute("src", src);
        if (img.dataset.scene === "print") {
          img.width = layout.print_size[0];
          img.height = layout.print_size[1];
          img.alt = "The print as it will be made: " + text;
        } else {
          img.alt = "Mock-up to scale: " + text + ", on a wall above " + layout.furniture;
        }
      });
      if (caption && caption.textContent !== text + ".") caption.textContent = text + ".";
      if (furniture) furniture.textContent = layout.furniture;
    }

    form.addEventListener("change", function (event) {
      if (["format", "fit", "position"].indexOf(event.target.name) >= 0) update();
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print-preview]").forEach(setup);
  });
})();
