// "Hồ sơ của tôi": the dossiers this device knows, drawn from IndexedDB first (works with
// no signal), then refreshed from the server when there is one.
import * as dossiers from "./dossiers.js";
import { fill, h } from "./dom.js";
import { moment } from "./bytes.js";
import { _ } from "./i18n.js";

export function enhance(root) {
  if (root.dataset.enhanced) return;
  root.dataset.enhanced = "1";
  const list = root.querySelector("[data-list]");
  const note = root.querySelector("[data-note]");

  async function draw() {
    const rows = await dossiers.list();
    fill(list, rows.map(card));
    if (!rows.length) list.append(h("li", { class: "muted" }, _("Máy này chưa gửi hoặc tra cứu hồ sơ nào.")));
  }

  async function update(force) {
    if (!navigator.onLine) {
      note.textContent = _("Đang ngoại tuyến: trạng thái là lần cập nhật gần nhất.");
      return;
    }
    note.textContent = _("Đang cập nhật trạng thái…");
    await dossiers.refresh({ force });
    note.textContent = "";
    await draw();
  }

  const add = root.querySelector("form[data-add]");
  add.hidden = false;
  add.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = add.elements.code.value.trim().toUpperCase();
    const secret = add.elements.secret.value.trim();
    const out = add.querySelector("[data-result]");
    try {
      const summary = await dossiers.lookup(code, secret);
      if (!summary) { out.textContent = _("Không tìm thấy hồ sơ khớp với mã và số đã nhập."); return; }
      await dossiers.remember(summary, secret);
      out.textContent = _("Đã thêm hồ sơ %(code)s.", { code: summary.code });
      add.reset();
      await draw();
    } catch {
      out.textContent = _("Chưa tra cứu được (không có mạng hoặc tra cứu quá nhanh). Vui lòng thử lại sau.");
    }
  });

  addEventListener("online", () => update(true));
  draw().then(() => navigator.onLine && dossiers.resolvePending()).then(() => update(false));
}

function card(d) {
  const token = d.receipt_url ? new URL(d.receipt_url, location.href).searchParams.get("t") : null;
  const status = `/ho-so/${encodeURIComponent(d.code)}${token ? `?t=${encodeURIComponent(token)}` : ""}`;
  return h("li", { class: `card status-${d.status}`, "data-code": d.code },
    h("p", {}, h("a", { href: status }, h("strong", { class: "code" }, d.code))),
    h("p", {}, d.procedure_name || d.procedure),
    d.status_label
      ? h("p", {}, h("span", { class: "badge" }, d.status_label), " ",
        h("span", { class: "meta" }, _("từ %(time)s", { time: moment(d.status_at) })))
      : h("p", { class: "meta" }, _("Chưa lấy được trạng thái; sẽ cập nhật khi có mạng.")),
    h("p", { class: "meta" }, d.checked_at ? _("Cập nhật lần cuối: %(time)s", { time: moment(d.checked_at) }) : "",
      d.receipt_url ? [" · ", h("a", { href: d.receipt_url }, _("Giấy tiếp nhận"))] : null));
}
