// "Hồ sơ của tôi": the dossiers this device knows, drawn from IndexedDB first (works with
// no signal), then refreshed from the server when there is one.
import * as dossiers from "./dossiers.js";
import { fill, h } from "./dom.js";
import { moment } from "./bytes.js";
import { _ } from "./i18n.js";
import { url } from "./routes.js";

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

  // The form also posts without script (citizen/track.py); here it asks the API instead, in a
  // JSON body: the phone or ID number never goes into an address.
  const add = root.querySelector("form[data-add]");
  const problem = add.querySelector("[data-error]");
  const out = add.querySelector("[data-result]");
  const refuse = (text) => {
    problem.firstElementChild.textContent = text;
    problem.hidden = false;
    problem.focus();
  };
  add.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = add.elements.code.value.trim().toUpperCase();
    const secret = add.elements.secret.value.trim();
    problem.hidden = true;
    out.textContent = "";
    if (!code || !secret) return refuse(_("Vui lòng nhập mã hồ sơ và số điện thoại hoặc số định danh."));
    try {
      const summary = await dossiers.lookup(code, secret);
      if (!summary) {
        return refuse(_("Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập. Vui lòng kiểm tra lại."));
      }
      await dossiers.remember(summary, secret);
      out.textContent = _("Đã thêm hồ sơ %(code)s.", { code: summary.code });
      add.reset();
      await draw();
    } catch (error) {
      if (error.status === 429) {
        const wait = Math.max(1, error.retryAfter || 60);
        return refuse(wait < 90
          ? _("Bạn tra cứu quá nhanh. Vui lòng thử lại sau %(n)s giây.", { n: wait })
          : _("Bạn tra cứu quá nhanh. Vui lòng thử lại sau %(n)s phút.", { n: Math.ceil(wait / 60) }));
      }
      refuse(_("Chưa tra cứu được (không có mạng hoặc máy chủ đang bận). Vui lòng thử lại sau."));
    }
  });

  addEventListener("online", () => update(true));
  draw().then(() => navigator.onLine && dossiers.resolvePending()).then(() => update(false));
}

function card(d) {
  const token = d.receipt_url ? new URL(d.receipt_url, location.href).searchParams.get("t") : null;
  const status = `${url("status", { code: d.code })}${token ? `?t=${encodeURIComponent(token)}` : ""}`;
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
