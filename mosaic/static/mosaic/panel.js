/* The owner's panel, progressively enhanced: everything works without this file (↑/↓ buttons,
   the address shown in full). With it: drag and drop ordering (SortableJS, vendored) that saves
   at once, and a button that copies the site's address. */
"use strict";

(function () {
  const csrf = () => document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  // Parts that only work with this file keep their place while it loads (visibility, not
  // display: showing them moves nothing, so nothing shifts under a finger).
  const reveal = (element) => element.setAttribute("data-js-only", "ready");
  for (const element of document.querySelectorAll('[data-js-only=""]')) {
    if (!element.matches(".drag-handle, [data-copy]")) reveal(element);
  }

  // Drag and drop: a list with data-order-url posts its items' data-id values in the new order.
  if (window.Sortable) {
    for (const list of document.querySelectorAll("[data-order-url]")) {
      const status = list.parentElement.querySelector("[data-order-status]");
      for (const handle of list.querySelectorAll(".drag-handle")) reveal(handle);
      list.classList.add("is-sortable");
      const sortable = window.Sortable.create(list, {
        handle: ".drag-handle",
        dataIdAttr: "data-id",
        animation: matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 150,
        forceFallback: true, // the same pointer events with a mouse, a finger or a test
        onEnd() {
          const body = new URLSearchParams();
          for (const id of sortable.toArray()) body.append("ids", id);
          fetch(list.dataset.orderUrl, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrf() },
          }).then((response) => {
            if (!response.ok) return;
            if (status) status.textContent = list.dataset.saved;
            const preview = document.querySelector(".site-preview iframe");
            if (preview) preview.contentWindow.location.reload();
          });
        },
      });
    }
  }

  // Copy the site's address.
  if (navigator.clipboard) {
    for (const button of document.querySelectorAll("[data-copy]")) {
      reveal(button);
      const label = button.textContent;
      button.addEventListener("click", () => {
        navigator.clipboard.writeText(button.dataset.copy).then(() => {
          button.textContent = button.dataset.copied;
          setTimeout(() => { button.textContent = label; }, 2000);
        });
      });
    }
  }
})();
