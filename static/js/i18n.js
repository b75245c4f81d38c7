// What the scripts say goes through Flask-Babel like the templates: the msgid is the
// Vietnamese text, marked `_("...")` so `pybabel extract` (babel.cfg) collects it. The page
// carries the current language's translations as a JSON data block (base.html): data, never
// run, so the CSP holds, and it is in the page, so it works offline. Vietnamese pages carry
// none. Placeholders are Python's: _("Lưu lúc %(time)s", { time }).

let table = null;

export function _(msgid, values) {
  if (table === null) table = read();
  const text = table[msgid] || msgid;
  if (!values) return text;
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function read() {
  const block = document.getElementById("js-messages");
  try {
    return block ? JSON.parse(block.textContent) : {};
  } catch {
    return {}; // a broken block costs the translation, never the page
  }
}
