// Small page behaviours that need no framework, on every page (base.html, `defer`, no inline
// script: CSP). A plain script rather than a module, so it also runs where modules do not.
//
// htmx answers (the rules are in base.html's htmx-config):
// - 2xx and 4xx are swapped in. A 4xx page says what went wrong (a form with its errors, the
//   tracking page's "not found", the 429 page with when to try again); after the swap the
//   error is focused and scrolled to, so the person sees it and a screen reader reads it.
// - A request that fetches a piece of a page (hx-get with a target, not a boosted link or
//   form) never has an error page swapped into that piece: its message goes next to the
//   element instead. So do 5xx answers and network failures: the page, with what was typed,
//   stays as it is.
(() => {
  if (window.motCuaApp) return; // a boosted swap can carry this script again: run once
  window.motCuaApp = true;

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-print]");
    if (button) window.print();
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    const status = detail.xhr.status;
    if (status < 400) return;
    if (detail.boosted && status < 500) return; // the whole page: swapped, then focused below
    if (!detail.boosted && status < 500 && !errorPage(detail.serverResponse)) return; // a fragment the view meant
    detail.shouldSwap = false;
    const text = errorText(detail.serverResponse) || _("Hệ thống gặp sự cố. Thông tin bạn nhập chưa bị mất; vui lòng thử lại sau.");
    say(detail.requestConfig.elt, text, detail.boosted);
  });

  // A boosted link or form that got no answer. (A piece of a page asked for as the person
  // types has its own offline way: catalogue-search.js.)
  document.addEventListener("htmx:sendError", (event) => {
    if (!event.detail.boosted) return;
    say(event.detail.requestConfig.elt, _("Không kết nối được với máy chủ. Vui lòng kiểm tra mạng rồi thử lại."), true);
  });

  // The error a page arrived with (a refused form, an error page): focused, so it is seen
  // and read first, whether the page came by a plain load or a boosted swap.
  const ERROR = "main .error-summary:not([hidden]), main .error-page";
  const first = document.querySelector(ERROR);
  const focused = document.activeElement;
  if (first && (focused === document.body || focused.hasAttribute("autofocus"))) show(first);
  document.addEventListener("htmx:afterSettle", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || !event.detail.boosted) return;
    const alert = document.querySelector(ERROR) || document.querySelector("main [role=alert]");
    if (alert) show(alert);
  });

  // The error page (templates/errors/error.html) marks its message.
  function errorPage(html) {
    return typeof html === "string" && html.includes("data-error-message");
  }

  function errorText(html) {
    if (!errorPage(html)) return "";
    const found = new DOMParser().parseFromString(html, "text/html").querySelector("[data-error-message]");
    return found ? found.textContent.trim() : "";
  }

  // One message per element, next to it: a form's above its submit button, where the person
  // tapped. Focused only after a tap (`focus`): never taken from someone typing in a search box.
  function say(elt, text, focus) {
    if (!elt || !elt.isConnected) return;
    const button = elt.tagName === "FORM" ? elt.querySelector("[type=submit]") : null;
    const next = button ? button.previousElementSibling : elt.nextElementSibling;
    let box = next && next.matches(".request-error") ? next : null;
    if (!box) {
      box = document.createElement("p");
      box.className = "error request-error";
      box.setAttribute("role", "alert");
      if (button) button.before(box);
      else elt.after(box);
    }
    box.textContent = text;
    if (focus) show(box);
  }

  function show(el) {
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
  }

  // The scripts' words in the page's language (as static/js/i18n.js, which a plain script
  // cannot import): the msgid is the Vietnamese text.
  let table = null;
  function _(msgid) {
    if (table === null) {
      try {
        const block = document.getElementById("js-messages");
        table = block ? JSON.parse(block.textContent) : {};
      } catch {
        table = {};
      }
    }
    return table[msgid] || msgid;
  }
})();
