// What the apply page shows once the person presses "Nộp hồ sơ": a progress bar per file
// while it goes up, or the promise that it is kept and will go when there is a signal.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";
import { fill, h, progressBar } from "./dom.js";
import { humanSize } from "./bytes.js";
import { _ } from "./i18n.js";
import { url } from "./routes.js";

// Where the person is looking: at the button they just pressed (the form's top is a screen
// or two above it on a phone). The heading is written once the live region is in the page,
// so screen readers announce it.
export function sendingPanel(form, item) {
  const bars = new Map(item.blobs.map((b) => [b.sha256, progressBar(0, b.size, b.name)]));
  const heading = h("h2", {});
  const panel = h("div", { class: "outbox-notice sending", role: "status", "aria-live": "polite" },
    heading,
    h("ul", { class: "progress-list" }, item.blobs.map((b) =>
      h("li", {}, h("span", {}, `${b.name} (${humanSize(b.size)})`), bars.get(b.sha256)))));
  outbox.on("progress", (e) => {
    const bar = e.detail.id === item.id && bars.get(e.detail.sha256);
    if (bar) { bar.max = e.detail.total || 1; bar.value = e.detail.loaded; }
  });
  const button = form.querySelector("[type=submit]");
  if (button) button.before(panel);
  else form.before(panel);
  setTimeout(() => {
    heading.textContent = _("Đang gửi hồ sơ…");
    panel.scrollIntoView({ block: "nearest" });
  }, 50);
  return panel;
}

export function queuedPanel(form, id) {
  form.hidden = true;
  const body = h("div", {});
  const panel = h("section", { class: "outbox-notice queued", role: "status", "aria-live": "polite" }, body);
  form.before(panel);
  panel.scrollIntoView({ block: "nearest" }); // the form it replaces may have been far longer
  const draw = async () => {
    if (!panel.isConnected) return;
    const item = await outbox.get(id);
    if (!item) return;
    fill(body, await content(item));
  };
  outbox.on("change", draw);
  draw();
}

async function content(item) {
  const another = h("a", { href: location.pathname }, _("Nộp một hồ sơ khác"));
  if (item.state === outbox.SENT) {
    const receipt = item.result.receipt_url;
    return [h("h2", {}, _("Hồ sơ đã được gửi")),
      h("p", {}, _("Mã hồ sơ:"), " ", h("strong", { class: "code" }, item.result.code)),
      h("p", {}, receipt ? h("a", { class: "button", href: receipt }, _("Xem giấy tiếp nhận")) : null, " ", another)];
  }
  if (item.state === outbox.ATTENTION) {
    // Loaded when needed: a refusal comes only with a server's answer, so there is a signal
    // (or the worker has it), and the form's first visit stays light (bench/pwa.py).
    const { explain, label } = await import("./attention.js");
    return [h("h2", {}, label(item)), ...explain(item)];
  }
  return [h("h2", {}, _("Đã lưu, sẽ gửi khi có mạng")),
    h("p", {}, _("Hồ sơ được giữ an toàn trong Hộp thư đi trên máy này và tự gửi khi có kết nối. Bạn có thể đóng ứng dụng; không cần nhập lại.")),
    h("p", { class: "row-actions" },
      h("button", { type: "button", class: "button", onclick: () => flush({ force: true }) }, _("Gửi ngay")), " ",
      h("a", { class: "button secondary", href: url("outbox") }, _("Xem hộp thư đi")), " ", another)];
}
