// Small page behaviours that need no framework. Loaded with `defer`; no inline script (CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
