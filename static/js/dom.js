// Building page pieces without innerHTML, so text from the server or the person is never
// read as markup, and without style attributes, which the CSP forbids.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Element.replaceChildren() arrived only in Safari 14; old iPhones still matter here.
export function fill(el, children) {
  el.textContent = "";
  el.append(...children);
}

export function progressBar(loaded, total, label) {
  return h("progress", { max: total || 1, value: Math.min(loaded, total || 1), "aria-label": label });
}
