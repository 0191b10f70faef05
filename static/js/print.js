// A Print button for pages that offer one (the receipt): hidden until this file runs, since
// without JavaScript it could do nothing; the browser's own Print command works either way.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
