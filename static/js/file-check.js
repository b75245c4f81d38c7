// A file is judged here by its bytes, as the server judges it (app/services/uploads.py),
// before it is shown as attached: a program renamed "giay-to.pdf" is refused on the phone,
// in the person's words, and never queued. The server still checks everything again.
import { humanSize } from "./bytes.js";
import { _ } from "./i18n.js";

const PDF = [0x25, 0x50, 0x44, 0x46]; // "%PDF", after an optional UTF-8 BOM (the `filetype` package)
const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BOM = [0xef, 0xbb, 0xbf];
const EOF_WINDOW = 2048; // the server wants "%%EOF" in a PDF's last 2 KB (a complete file)

const startsWith = (bytes, sig, at = 0) => sig.every((b, i) => bytes[at + i] === b);

// "application/pdf", "image/jpeg", "image/png", or "" for anything else.
export function sniff(buffer) {
  const head = new Uint8Array(buffer, 0, Math.min(16, buffer.byteLength));
  if (startsWith(head, JPEG)) return "image/jpeg";
  if (startsWith(head, PNG)) return "image/png";
  if (startsWith(head, PDF) || (startsWith(head, BOM) && startsWith(head, PDF, 3))) return "application/pdf";
  return "";
}

function pdfComplete(buffer) {
  const tail = new Uint8Array(buffer, Math.max(0, buffer.byteLength - EOF_WINDOW));
  const mark = [0x25, 0x25, 0x45, 0x4f, 0x46]; // "%%EOF"
  for (let i = tail.length - mark.length; i >= 0; i -= 1) if (startsWith(tail, mark, i)) return true;
  return false;
}

// Why `f` (photo.js prepare(): the bytes that would be sent) cannot be attached, or "".
// `accepted`: the media types this document takes (its input's accept attribute).
export function problem(f, { limit, accepted }) {
  const type = sniff(f.bytes);
  if (!type) {
    return _("%(name)s không phải tệp PDF, JPEG hoặc PNG. Chỉ nhận ảnh chụp (JPEG, PNG) hoặc tệp PDF.",
      { name: f.name });
  }
  if (accepted.length && !accepted.includes(type)) {
    return _("%(name)s: giấy tờ này chỉ nhận tệp %(types)s.",
      { name: f.name, types: accepted.map((t) => t.split("/")[1].toUpperCase()).join(", ") });
  }
  if (type === "application/pdf" && !pdfComplete(f.bytes)) {
    return _("%(name)s là tệp PDF bị hỏng hoặc chưa tải xong.", { name: f.name });
  }
  if (f.size > limit) {
    return _("%(name)s quá lớn: tệp nặng %(size)s; mỗi tệp tối đa %(max)s.",
      { name: f.name, size: humanSize(f.size), max: humanSize(limit) });
  }
  return "";
}
