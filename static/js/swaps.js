// htmx swaps that keep a person's place: loaded with htmx on the pages that use it.
// 1. A fragment that comes back unchanged (a progress poll) is not swapped, so a screen reader
//    does not hear it again and focus stays put.
// 2. The chat (#chat): the conversation list (#chat-log, a polite live region) stays in the page;
//    only new or changed messages go into it, the form below is swapped, and after sending,
//    focus returns to the message box. The log scrolls to the newest message on load and
//    whenever one arrives. A confirmation button's form inside the log (a bot's proposal)
//    swaps the log alone; a refused address form gets focus on its error summary.
// 3. A like button swapped after a click keeps the keyboard focus; "More artworks" moves it to
//    the first card it brought.
// 4. The cart (#cart): a refused change (400) is swapped too, for its reason; afterwards focus
//    returns to the quantity box that changed (after a removal, to the heading) and a status line
//    outside the cart says what it holds now.
(function () {
  let cartFocus = null; // the id to focus once the new cart is in
  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function withoutHtmxClasses(node) {
    const copy = node.cloneNode(true);
    [copy, ...copy.querySelectorAll("[class]")].forEach(function (element) {
      [...element.classList].forEach(function (name) {
        if (name.startsWith("htmx-")) element.classList.remove(name);
      });
      if (element.getAttribute("class") === "") element.removeAttribute("class");
    });
    return copy;
  }

  function sameAsShown(target, fragment) {
    const incoming = fragment.firstElementChild;
    return (
      incoming !== null &&
      fragment.childElementCount === 1 &&
      withoutHtmxClasses(target).isEqualNode(incoming)
    );
  }

  // Each render masks the CSRF token anew: a message whose only change is its token is the same.
  function sameMessage(old, item) {
    if (old.isEqualNode(item)) return true;
    const tokens = "input[name=csrfmiddlewaretoken]";
    if (!item.querySelector(tokens)) return false;
    const a = old.cloneNode(true);
    const b = item.cloneNode(true);
    [a, b].forEach(function (copy) {
      copy.querySelectorAll(tokens).forEach(function (input) {
        input.setAttribute("value", "");
      });
    });
    return a.isEqualNode(b);
  }

  function scrollToNewest(log) {
    log.scrollTop = log.scrollHeight;
  }

  // Make `log` list what `incoming` lists, keeping the nodes that are already there.
  // Returns whether a message was added (the log then scrolls to it).
  function mergeLog(log, incoming) {
    let added = false;
    const unmatched = [...log.children];
    let previous = null;
    [...incoming.children].forEach(function (item) {
      const index = unmatched.findIndex(function (old) {
        return item.id ? old.id === item.id : !old.id && old.isEqualNode(item);
      });
      let node;
      if (index >= 0) {
        node = unmatched.splice(index, 1)[0];
        if (!sameMessage(node, item)) {
          node.replaceWith(item);
          node = item;
          window.htmx.process(node);
        }
      } else {
        node = item;
        log.insertBefore(node, previous ? previous.nextSibling : log.firstChild);
        window.htmx.process(node);
        added = true;
      }
      previous = node;
    });
    unmatched.forEach(function (old) {
      old.remove();
    });
    return added;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    const target = detail.target;
    if (!target) return;
    const fragment = parse(detail.serverResponse);
    const log = document.getElementById("chat-log");
    const incomingLog = fragment.querySelector("#chat-log");
    if (target.id === "chat" && log && incomingLog) {
      const elt = detail.requestConfig && detail.requestConfig.elt;
      const fromForm = elt && elt.closest("#chat-controls");
      const fromButton = elt && elt.closest("#chat-log"); // before the merge takes it away
      if (mergeLog(log, incomingLog)) scrollToNewest(log);
      if (fromButton) {
        // A confirmation button: its message now says what happened, or shows what to fix.
        // Nothing is swapped after this, so focus moves now.
        const next = log.querySelector(".error-summary") || document.getElementById("id_message");
        if (next) next.focus();
      }
      const controls = document.getElementById("chat-controls");
      if (fromForm && controls && fragment.querySelector("#chat-controls")) {
        detail.target = controls;
        detail.selectOverride = "#chat-controls";
        detail.shouldSwap = true; // a refusal (400, 429) too: its sentence is in the controls
        detail.isError = false;
        target.dataset.refocus = "id_message";
      } else {
        detail.shouldSwap = false; // a poll: the person may be typing below
      }
      return;
    }
    if (target.id === "cart") {
      if (detail.xhr && detail.xhr.status === 400) {
        detail.shouldSwap = true;
        detail.isError = false;
      }
      const elt = detail.requestConfig && detail.requestConfig.elt;
      const box = elt && elt.closest("form") && elt.closest("form").querySelector('input[name="quantity"]');
      cartFocus = box ? box.id : "cart-title";
      return; // always swapped: the announcement follows the new cart
    }
    if (detail.shouldSwap && sameAsShown(target, fragment)) {
      detail.shouldSwap = false;
    }
  });

  let refocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.contains(document.activeElement)) return;
    if (target.matches(".like-form")) {
      refocus = { parent: target.parentElement, selector: ".like-form button" };
    } else if (target.matches(".load-more")) {
      const list = target.parentElement;
      refocus = { parent: list, selector: ":scope > li:nth-child(" + list.children.length + ") a" };
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    const log = document.getElementById("chat-log");
    if (log) scrollToNewest(log);
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (refocus) {
      const next = refocus.parent && refocus.parent.querySelector(refocus.selector);
      refocus = null;
      if (next) next.focus();
    }
    const cart = document.getElementById("cart");
    if (cart && cartFocus) {
      const focus = document.getElementById(cartFocus) || document.getElementById("cart-title");
      cartFocus = null;
      if (focus) focus.focus();
      const announce = document.getElementById("cart-announce");
      const said = [...cart.querySelectorAll("[data-cart-message]")].map(function (m) {
        return m.textContent.trim();
      });
      if (announce) announce.textContent = said.length ? said.join(" ") : cart.dataset.summary || "";
    }
    const chat = document.getElementById("chat");
    if (chat && chat.dataset.refocus) {
      const box = document.getElementById(chat.dataset.refocus);
      delete chat.dataset.refocus;
      if (box) box.focus();
    }
  });
})();
