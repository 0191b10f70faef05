// Every page: the phone menu button, and focus on a form's error summary.
// Without this file the menu stays open and the summary is still the first thing in the form.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  const toggle = document.querySelector(".nav-toggle");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (nav) {
    const setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // A form the server refused: start where the problems are listed.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
