// The bell in the header (signed-in pages): its unread count, fetched a moment after the page
// loads and then every 30 seconds, without htmx, so that pages which do not need htmx do not
// load it. An unchanged bell is left alone; a focused one keeps the focus.
(function () {
  function refresh() {
    const bell = document.getElementById("bell");
    if (!bell || document.hidden) return;
    fetch(bell.dataset.poll, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const fresh = template.content.firstElementChild;
        if (!fresh || fresh.id !== "bell" || fresh.isEqualNode(bell)) return;
        const focused = document.activeElement === bell;
        bell.replaceWith(fresh);
        if (focused) fresh.focus();
      })
      .catch(function () {
        // Offline for a moment: the next round tries again.
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(refresh, 1000);
    window.setInterval(refresh, 30000);
  });
})();
