// "Hộp thư đi": every item this device holds, in its state: waiting, sending (with a bar
// per file), sent (code and receipt), or needing the person's attention (attention.js: the
// reason, and what they can do about it). Works with no signal.
import * as outbox from "./outbox.js";
import * as owner from "./owner.js";
import { flush } from "./sync.js";
import { explain, label } from "./attention.js";
import { fill, h, progressBar } from "./dom.js";
import { humanSize, moment } from "./bytes.js";
import { _ } from "./i18n.js";
import { url } from "./routes.js";

const progress = new Map(); // `${id} ${sha256}` -> [loaded, total]

export function enhance(root) {
  if (root.dataset.enhanced) return;
  root.dataset.enhanced = "1";
  const list = root.querySelector("[data-list]");
  const others = h("p", { class: "notice", "data-others": true, hidden: true });
  list.after(others);
  let drawing = false;
  let stale = false;
  const draw = async () => {
    // A send changes the outbox several times a second: one reading at a time, and one more
    // if it changed meanwhile (each reading loads every item, files included).
    if (drawing) { stale = true; return; }
    drawing = true;
    try {
      do {
        stale = false;
        if (!root.isConnected) return; // this page was swapped out by a boosted link
        const items = await outbox.list();
        fill(list, items.map(card));
        if (!items.length) list.append(h("li", { class: "muted" }, _("Hộp thư đi đang trống.")));
        othersNote(others, await outbox.othersUnsent());
      } while (stale);
    } finally {
      drawing = false;
    }
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

// Someone else's items are kept, never shown: only how many, so nobody thinks them lost.
function othersNote(el, count) {
  el.hidden = !count;
  if (!count) return;
  fill(el, owner.current()
    ? [_("Máy này còn giữ %(n)s mục chưa gửi của người dùng khác. Chúng chỉ hiện ra và được gửi khi người đó dùng lại máy này.", { n: count })]
    : [_("Máy này còn giữ %(n)s mục chưa gửi, lưu khi một tài khoản đang đăng nhập. Đăng nhập đúng tài khoản đó để xem và gửi.", { n: count }),
      " ", h("a", { href: `${url("signin")}?next=${encodeURIComponent(location.pathname)}` }, _("Đăng nhập"))]);
}

function stateLabel(item) {
  if (item.state === outbox.ATTENTION) return label(item);
  if (item.state === outbox.SENT) return _("Đã gửi");
  if (item.state === outbox.SENDING) return _("Đang gửi");
  return _("Đang chờ gửi");
}

function card(item) {
  return h("li", { class: `card outbox-item state-${item.state}`, "data-id": item.id, "data-state": item.state,
    "data-need": item.need || null },
  h("p", {}, h("strong", {}, item.title), " ", h("span", { class: "badge" }, stateLabel(item))),
  h("p", { class: "meta" }, _("Lưu lúc %(time)s", { time: moment(item.created_at) })),
  ...details(item));
}

// A write about a dossier (a supplement answer, a rating) links back to the page it came from.
function statusLink(item) {
  const address = item.context && item.context.status_url;
  return address ? [" · ", h("a", { href: address }, _("Xem tình trạng hồ sơ"))] : null;
}

function details(item) {
  if (item.state === outbox.SENT) {
    const result = item.result || {}; // what the server answered; kinds other than dossiers differ
    return [h("p", {}, _("Đã gửi lúc %(time)s", { time: moment(item.sent_at) }),
      result.code ? [". ", _("Mã hồ sơ:"), " ", h("strong", { class: "code" }, result.code)] : null,
      result.receipt_url ? [" · ", h("a", { href: result.receipt_url }, _("Xem giấy tiếp nhận"))]
        : statusLink(item))];
  }
  if (item.state === outbox.ATTENTION) return explain(item);
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
  if (item.error && item.state === outbox.WAITING && item.next_at) { // 0: due once the link is back
    const why = item.error.status
      ? _("máy chủ báo lỗi %(status)s", { status: item.error.status }) : _("chưa có kết nối");
    out.push(h("p", { class: "meta" }, _("Lần thử thứ %(n)s: %(why)s. Sẽ tự thử lại lúc %(time)s.",
      { n: item.attempts, why, time: moment(item.next_at) })));
  }
  return out;
}
