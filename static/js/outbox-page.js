// "Hộp thư đi": every item this device holds, in its state: waiting, sending (with a bar
// per file), sent (code and receipt), or needing the person's attention (the server's
// reason, a way to fix it, and a way to discard it on purpose). Works with no signal.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";
import { fieldMessages } from "./form-errors.js";
import { fill, h, progressBar } from "./dom.js";
import { humanSize, moment } from "./bytes.js";

const LABEL = {
  waiting: "Đang chờ gửi", sending: "Đang gửi", sent: "Đã gửi", attention: "Cần bạn sửa",
};
const progress = new Map(); // `${id} ${sha256}` -> [loaded, total]

export function enhance(root) {
  if (root.dataset.enhanced) return;
  root.dataset.enhanced = "1";
  const list = root.querySelector("[data-list]");
  const draw = async () => {
    if (!root.isConnected) return; // this page was swapped out by a boosted link
    const items = await outbox.list();
    fill(list, items.map(card));
    if (!items.length) list.append(h("li", { class: "muted" }, "Hộp thư đi đang trống."));
  };
  root.querySelector("[data-flush]").addEventListener("click", () => flush({ force: true }));
  outbox.on("change", draw);
  outbox.on("progress", (e) => {
    progress.set(`${e.detail.id} ${e.detail.sha256}`, [e.detail.loaded, e.detail.total]);
    const bar = list.querySelector(`progress[data-key="${CSS.escape(`${e.detail.id} ${e.detail.sha256}`)}"]`);
    if (bar) { bar.max = e.detail.total || 1; bar.value = e.detail.loaded; }
  });
  draw();
}

function card(item) {
  return h("li", { class: `card outbox-item state-${item.state}`, "data-id": item.id, "data-state": item.state },
    h("p", {}, h("strong", {}, item.title), " ", h("span", { class: "badge" }, LABEL[item.state] || item.state)),
    h("p", { class: "meta" }, `Lưu lúc ${moment(item.created_at)}`),
    ...details(item));
}

function details(item) {
  if (item.state === outbox.SENT) {
    const result = item.result || {}; // what the server answered; kinds other than dossiers differ
    return [h("p", {}, `Đã gửi lúc ${moment(item.sent_at)}`,
      result.code ? [". Mã hồ sơ: ", h("strong", { class: "code" }, result.code)] : null,
      result.receipt_url ? [" · ", h("a", { href: result.receipt_url }, "Xem giấy tiếp nhận")] : null)];
  }
  if (item.state === outbox.ATTENTION) return attention(item);
  const out = [];
  if (item.state === outbox.SENDING) {
    out.push(h("ul", { class: "progress-list" }, item.blobs.map((b) => {
      const key = `${item.id} ${b.sha256}`;
      const [loaded, total] = b.sent ? [b.size, b.size] : progress.get(key) || [0, b.size];
      const bar = progressBar(loaded, total, b.name);
      bar.dataset.key = key;
      return h("li", {}, h("span", {}, `${b.name} (${humanSize(b.size)})`), bar);
    })));
  }
  if (item.signin) out.push(h("p", { class: "error" }, "Cần đăng nhập lại để gửi tiếp; hồ sơ vẫn được giữ trên máy."));
  else if (item.error) {
    const why = item.error.status ? `máy chủ báo lỗi ${item.error.status}` : "chưa có kết nối";
    out.push(h("p", { class: "meta" }, `Lần thử thứ ${item.attempts}: ${why}. Sẽ tự thử lại lúc ${moment(item.next_at)}.`));
  }
  return out;
}

function attention(item) {
  const files = Object.fromEntries(Object.entries(item.form ? item.form.files : {}));
  const messages = Object.values(fieldMessages(item.error, files)).flat();
  // Only the apply form knows how to reopen a queued item (`?sua=`); other kinds are resent from their page.
  const fix = item.kind === "dossier" && item.form ? `${item.form.path}?sua=${encodeURIComponent(item.id)}` : null;
  return [
    h("p", { class: "error" }, item.error.message || "Máy chủ chưa nhận hồ sơ này."),
    messages.length ? h("ul", { class: "error-list" }, messages.map((m) => h("li", {}, m))) : null,
    h("p", { class: "row-actions" },
      fix ? h("a", { class: "button", href: fix }, "Sửa và gửi lại") : null, " ",
      h("button", { type: "button", class: "secondary", onclick: () => discard(item) }, "Bỏ hồ sơ này")),
  ];
}

async function discard(item) {
  // Never silently: the person confirms, knowing the data leaves this device for good.
  if (confirm(`Bỏ hẳn hồ sơ “${item.title}”? Thông tin và ảnh đã nhập sẽ bị xoá khỏi máy này.`)) {
    await outbox.discard(item.id);
  }
}
