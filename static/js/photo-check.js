// Is this photo readable? Judged on the phone right after it is picked, so a blurred or
// dark photo is retaken now, not after a supplement request days later (issue 14). Only
// advice: the person may keep the photo, and nothing is ever blocked or dropped.
//
// The photo that will be sent (photo.js made it at most 1600 px) is drawn at most SIDE px
// wide on a canvas and read as grey levels; from those:
//   sharpness  variance of the Laplacian in the most detailed cells of a grid, over the
//              contrast there squared (so a dim page is not "blurred", a sparse one neither)
//   dark       even the bright end (the paper) is dark: the 95th percentile grey level
//   bright     the paper clips to white and even the darkest ink is pale (washed out); a
//              scan's white paper is not, its text is black
//   glare      the largest patch of clipped, featureless cells, where the paper around is not
//   small      too few pixels for text to be read at all
// bench/photo_checks.py measures these against labelled photos (bench/photos/generate.py).
import { h } from "./dom.js";
import { _ } from "./i18n.js";

const SIDE = 512; // long side analysed; ~0.2 MP: a few ms even on a cheap phone
const CELL = 16; // grid cell, in analysed pixels
const IMAGE = /^image\/(jpeg|png|webp)$/;

// Tuned on bench/photos/generate.py --seed 1 (`bench/photo_checks.py --tune`, both decoding
// paths: each limit the middle of its widest best range); measured on --seed 2.
export const LIMITS = {
  minLong: 1000, minShort: 650, // pixels of the photo itself
  sharp: 0.2, // sharpness below this: blurred
  dark: 95, // 95th percentile below this: dark
  brightPaper: 235, brightInk: 70, // median, and the darkest 0.2 % (the ink), above: washed out
  glare: 0.02, glarePaper: 238, // clipped patch of this share of the photo, paper median below
};

// In the order a person should fix them: the first is what the hint says.
const ORDER = ["small", "dark", "bright", "glare", "blurry"];

// Grey-level statistics and sharpness of an RGBA pixel array (ImageData.data).
export function measure(rgba, width, height) {
  const n = width * height;
  const grey = new Uint8Array(n);
  const hist = new Uint32Array(256);
  for (let i = 0, p = 0; i < n; i += 1, p += 4) {
    const y = (rgba[p] * 77 + rgba[p + 1] * 150 + rgba[p + 2] * 29) >> 8;
    grey[i] = y;
    hist[y] += 1;
  }
  const pct = (q) => {
    let seen = 0;
    for (let v = 0; v < 256; v += 1) if ((seen += hist[v]) >= q * n) return v;
    return 255;
  };
  const cols = Math.max(1, Math.floor(width / CELL));
  const rows = Math.max(1, Math.floor(height / CELL));
  const cells = [];
  const blown = new Uint8Array(cols * rows);
  for (let cy = 0; cy < rows; cy += 1) {
    for (let cx = 0; cx < cols; cx += 1) {
      const cell = cellStats(grey, width, height, cx * CELL, cy * CELL);
      cells.push(cell);
      blown[cy * cols + cx] = cell.clipped > 0.9 && cell.lap < 4 ? 1 : 0;
    }
  }
  // The most detailed tenth of the cells speaks for the text; empty paper and table do not.
  const detailed = cells.filter((c) => c.range >= 24).sort((a, b) => b.lap - a.lap);
  const top = detailed.slice(0, Math.max(1, Math.ceil(detailed.length / 10)));
  const sharpness = detailed.length
    ? top.reduce((s, c) => s + c.lap / (c.range * c.range), 0) / top.length : 0;
  return { width, height, ink: pct(0.002), p50: pct(0.5), p95: pct(0.95),
    sharpness: Math.round(sharpness * 10000) / 10000, glare: largestPatch(blown, cols, rows) / (cols * rows) };
}

// Variance of the 4-neighbour Laplacian, grey range (5th to 95th) and clipped share in one cell.
function cellStats(grey, width, height, x0, y0) {
  let sum = 0;
  let sq = 0;
  let count = 0;
  let clipped = 0;
  let lo = 255;
  let hi = 0;
  const x1 = Math.min(width - 1, x0 + CELL);
  const y1 = Math.min(height - 1, y0 + CELL);
  for (let y = Math.max(1, y0); y < y1; y += 1) {
    let i = y * width + Math.max(1, x0);
    for (let x = Math.max(1, x0); x < x1; x += 1, i += 1) {
      const v = grey[i];
      const lap = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * v;
      sum += lap;
      sq += lap * lap;
      count += 1;
      if (v >= 250) clipped += 1;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!count) return { lap: 0, range: 0, clipped: 0 };
  const mean = sum / count;
  return { lap: sq / count - mean * mean, range: hi - lo, clipped: clipped / count };
}

// Cells in the largest 4-connected patch of `mask`.
function largestPatch(mask, cols, rows) {
  const seen = new Uint8Array(mask.length);
  const stack = [];
  let best = 0;
  for (let start = 0; start < mask.length; start += 1) {
    if (!mask[start] || seen[start]) continue;
    let size = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop();
      size += 1;
      const x = i % cols;
      for (const j of [x > 0 ? i - 1 : -1, x < cols - 1 ? i + 1 : -1, i - cols, i + cols]) {
        if (j >= 0 && j < mask.length && mask[j] && !seen[j]) { seen[j] = 1; stack.push(j); }
      }
    }
    if (size > best) best = size;
  }
  return best;
}

// What is wrong with a photo of `width` x `height` pixels measured as `m`, most urgent first.
export function judge(m, width, height, limits = LIMITS) {
  const found = new Set();
  if (Math.max(width, height) < limits.minLong || Math.min(width, height) < limits.minShort) found.add("small");
  if (m.p95 < limits.dark) found.add("dark");
  if (m.p50 >= limits.brightPaper && m.ink >= limits.brightInk) found.add("bright");
  if (m.glare >= limits.glare && m.p50 < limits.glarePaper) found.add("glare");
  if (m.sharpness < limits.sharp) found.add("blurry");
  return ORDER.filter((issue) => found.has(issue));
}

// Check a prepared file ({ type, bytes }, photo.js): { issues, width, height, metrics },
// or null for what is not a photo or cannot be read here (the server judges those).
// `imageDecoder: false` takes the path of browsers without WebCodecs (for the benchmark).
export async function checkPhoto(f, { limits = LIMITS, imageDecoder = true } = {}) {
  if (!IMAGE.test(f.type)) return null;
  let image = null;
  try {
    const size = dimensions(f.bytes);
    image = (imageDecoder && size && (await reduced(f, size))) || (await decode(f));
    const { width, height } = size || image;
    const ctx = small(image);
    const { width: w, height: ht } = ctx.canvas;
    const metrics = measure(ctx.getImageData(0, 0, w, ht).data, w, ht);
    return { issues: judge(metrics, width, height, limits), width, height, metrics };
  } catch {
    return null;
  } finally {
    if (image) image.close();
  }
}

// The pixel size in a JPEG's frame header or a PNG's IHDR, or null.
export function dimensions(buffer) {
  const b = new Uint8Array(buffer);
  if (b.length > 24 && b[0] === 0x89 && b[1] === 0x50) {
    const v = new DataView(buffer);
    return { width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  for (let i = 2; i + 8 < b.length;) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    }
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
  }
  return null;
}

// Decoded already small (WebCodecs: Chromium decodes a JPEG at n/8 of its size, the
// largest n that fits what is asked), about three times faster than decoding 1600 px and
// drawing it small. Asked for the next eighth at or above SIDE, so the analysed picture is
// drawn from at least SIDE px on either path. Null where it is not offered.
async function reduced(f, size) {
  if (!self.ImageDecoder) return null;
  const eighths = Math.min(8, Math.ceil((8 * SIDE) / Math.max(size.width, size.height)));
  let decoder = null;
  try {
    decoder = new ImageDecoder({ data: f.bytes, type: f.type,
      desiredWidth: Math.max(1, Math.ceil((size.width * eighths) / 8)),
      desiredHeight: Math.max(1, Math.ceil((size.height * eighths) / 8)) });
    const { image } = await decoder.decode();
    const d = decoder;
    return { source: image, width: image.displayWidth, height: image.displayHeight,
      close: () => { image.close(); d.close(); } };
  } catch {
    if (decoder) decoder.close();
    return null;
  }
}

async function decode(f) {
  const blob = new Blob([f.bytes], { type: f.type });
  if (self.createImageBitmap) {
    try {
      const bitmap = await createImageBitmap(blob);
      return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
    } catch {
      // old Safari: an <img> below
    }
  }
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => null };
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The picture drawn SIDE px on its long side. Halved first while it is twice that or more:
// one bilinear step of 2x averages every pixel, a 3x one skips some (and aliasing would
// read as detail), so both decoding paths give the same sharpness.
function small(image) {
  let source = image.source;
  let { width, height } = image;
  while (Math.max(width, height) >= 2 * SIDE) {
    width = Math.round(width / 2);
    height = Math.round(height / 2);
    const half = canvas(width, height).getContext("2d");
    half.drawImage(source, 0, 0, width, height);
    source = half.canvas;
  }
  const scale = Math.min(1, SIDE / Math.max(width, height));
  const ctx = canvas(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
    .getContext("2d", { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, ctx.canvas.width, ctx.canvas.height);
  return ctx;
}

function canvas(width, height) {
  if (self.OffscreenCanvas) return new OffscreenCanvas(width, height);
  const el = document.createElement("canvas");
  el.width = width;
  el.height = height;
  return el;
}

function say(issue, check) {
  switch (issue) {
    case "small": return _("Ảnh quá nhỏ (%(width)s × %(height)s điểm ảnh), chữ sẽ khó đọc. Vui lòng chụp lại hoặc chọn ảnh gốc.",
      { width: check.width, height: check.height });
    case "dark": return _("Ảnh quá tối, chữ có thể không đọc được. Vui lòng chụp lại ở chỗ sáng hơn.");
    case "bright": return _("Ảnh quá sáng, chữ bị mờ nhạt. Vui lòng chụp lại, tránh nắng chiếu thẳng hoặc đèn flash.");
    case "glare": return _("Ảnh bị lóa sáng một vùng lớn, có thể che mất chữ. Vui lòng nghiêng giấy hoặc tắt đèn flash rồi chụp lại.");
    default: return _("Ảnh bị mờ, vui lòng chụp lại. Giữ máy thật chắc và chạm vào giấy tờ trên màn hình để lấy nét.");
  }
}

// What travels with the file to the dossier (schemas/photo_check.py), for staff to read:
// what failed (none: it passed) and the figures judged. Undefined for what was not checked.
export function sentCheck(check) {
  if (!check || !Array.isArray(check.issues)) return undefined;
  const m = check.metrics || {};
  const round = (x) => (Number.isFinite(x) ? Math.round(x * 10000) / 10000 : undefined);
  return { issues: check.issues, width: check.width, height: check.height,
    sharpness: round(m.sharpness), glare: round(m.glare), p50: m.p50, p95: m.p95 };
}

// The advice shown under a listed file, or null when there is none (or it was kept anyway).
// `retake()` opens the camera again; `keep()` keeps this photo and hides the advice.
export function photoHint(f, { retake, keep }) {
  const check = f.check;
  if (!check || !check.issues || !check.issues.length || check.kept) return null;
  return h("div", { class: "photo-hint", role: "status", "data-issue": check.issues[0] },
    h("p", {}, say(check.issues[0], check)),
    h("button", { type: "button", class: "button photo-retake", onclick: retake }, _("Chụp lại")), " ",
    h("button", { type: "button", class: "secondary photo-keep", onclick: keep }, _("Vẫn dùng ảnh này")));
}
