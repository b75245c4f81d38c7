// An item the server would not take, and what the person can do about it. `item.need`
// (send.js) says which case it is; the outbox page and the apply page show the same words
// and offer the same ways out, and discarding is always on purpose.
import * as outbox from "./outbox.js";
import { keepServerCopy, resend } from "./sync.js";
import { fieldMessages } from "./form-errors.js";
import { h } from "./dom.js";
import { uuid } from "./bytes.js";
import { _ } from "./i18n.js";
import { url } from "./routes.js";

export function label(item) {
  if (item.need === "signin") return _("Cần đăng nhập lại");
  if (item.need === "proof") return _("Cần xác nhận lại");
  if (item.need === "conflict") return _("Cần bạn chọn");
  return _("Cần bạn sửa");
}

// The explanation and the actions, as page elements.
export function explain(item) {
  const error = item.error || {};
  if (item.need === "signin") {
    const signin = `${url("signin")}?next=${encodeURIComponent(url("outbox"))}`;
    return [
      h("p", { class: "error" }, error.message || _("Phiên đăng nhập đã hết hạn.")),
      h("p", {}, _("Hồ sơ vẫn được giữ trên máy. Hãy đăng nhập lại; hồ sơ sẽ tự gửi tiếp.")),
      actions(item, h("a", { class: "button", href: signin }, _("Đăng nhập lại")),
        h("button", { type: "button", class: "secondary", onclick: () => resend(item.id) }, _("Gửi lại"))),
    ];
  }
  if (item.need === "proof") return [...proofForm(item), actions(item)];
  if (item.need === "conflict") {
    const code = error.details && error.details.code;
    return [
      h("p", { class: "error" }, error.message || _("Mã gửi này đã được dùng cho nội dung khác.")),
      code ? h("p", {}, _("Máy chủ đã có hồ sơ %(code)s gửi bằng mã gửi này. Bạn có thể giữ hồ sơ đó, hoặc gửi bản trên máy thành một hồ sơ mới.", { code })) : null,
      actions(item,
        code ? h("button", { type: "button", onclick: () => keepServerCopy(item.id) }, _("Giữ hồ sơ %(code)s", { code })) : null,
        h("button", { type: "button", class: "secondary", onclick: () => sendAsNew(item, code) }, _("Gửi bản này thành hồ sơ mới"))),
    ];
  }
  const files = item.form ? item.form.files : {};
  const messages = Object.values(fieldMessages(error, files)).flat();
  // Only the apply form knows how to reopen a queued item (`?sua=`); other kinds are resent from their page.
  const fix = item.kind === "dossier" && item.form ? `${item.form.path}?sua=${encodeURIComponent(item.id)}` : null;
  return [
    h("p", { class: "error" }, error.message || _("Máy chủ chưa nhận hồ sơ này.")),
    messages.length ? h("ul", { class: "error-list" }, messages.map((m) => h("li", {}, m))) : null,
    actions(item, fix ? h("a", { class: "button", href: fix }, _("Sửa và gửi lại")) : null),
  ];
}

function actions(item, ...first) {
  return h("p", { class: "row-actions" }, ...first,
    h("button", { type: "button", class: "secondary", onclick: () => discard(item) },
      item.kind === "dossier" ? _("Bỏ hồ sơ này") : _("Bỏ mục này")));
}

// A signed link lasts 90 days; what the person knows lasts longer. Same key, so the server
// still counts it once; the proof is not part of what it compares.
function proofForm(item) {
  const code = (item.context && item.context.code) || "";
  const id = `proof-${item.id}`;
  const input = h("input", { id, name: "secret", required: true, inputmode: "numeric", autocomplete: "off" });
  const form = h("form", { class: "proof", onsubmit: (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    const { token, ...body } = item.request.body;
    resend(item.id, { request: { ...item.request, body: { ...body, secret } } });
  } },
  h("label", { for: id }, _("Số điện thoại hoặc số định danh của người nộp hồ sơ %(code)s", { code })), " ",
  input, " ", h("button", { type: "submit" }, _("Xác nhận và gửi lại")));
  const why = item.request.body.secret
    ? _("Số điện thoại hoặc số định danh chưa khớp với hồ sơ. Vui lòng kiểm tra lại.")
    : _("Đường liên kết dùng để gửi đã hết hạn hoặc không còn hiệu lực (liên kết có giá trị 90 ngày).");
  return [h("p", { class: "error" }, why), form];
}

async function sendAsNew(item, code) {
  const question = code
    ? _("Máy chủ vẫn giữ hồ sơ %(code)s. Gửi bản này sẽ tạo thêm một hồ sơ mới. Tiếp tục?", { code })
    : _("Gửi bản này thành một yêu cầu mới?");
  if (!confirm(question)) return;
  const fresh = await outbox.resendAsNew(item.id, uuid());
  if (fresh) await resend(fresh.id);
}

async function discard(item) {
  // Never silently: the person confirms, knowing the data leaves this device for good.
  if (confirm(_("Bỏ hẳn hồ sơ “%(title)s”? Thông tin và ảnh đã nhập sẽ bị xoá khỏi máy này.", { title: item.title }))) {
    await outbox.discard(item.id);
  }
}
