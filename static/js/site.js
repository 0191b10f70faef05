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

  // The header's cart count, kept by the shop in a small cookie (pages are cached and shared).
  const showCartCount = function () {
    const match = document.cookie.match(/(?:^|;\s*)cart_count=(\d+)/);
    const count = match ? parseInt(match[1], 10) : 0;
    document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
      badge.textContent = count > 0 ? String(count) : "";
      badge.hidden = count === 0;
      const link = badge.closest("a");
      if (link) {
        // "Cart, 2 items" holds the visible "Cart 2" (the template puts a space before the badge).
        link.setAttribute("aria-label", count > 0 ? "Cart, " + count + (count === 1 ? " item" : " items") : "Cart");
      }
    });
  };
  showCartCount();
  document.body.addEventListener("htmx:afterSettle", showCartCount);

  // A form the server refused: start where the problems are listed.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
