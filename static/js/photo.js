// Photos are made small on the phone, before they are stored or sent (DESIGN rule 6): the
// long side is brought down to 1600 px and the picture re-encoded as JPEG. A 12-megapixel
// camera photo goes from several MB to a few hundred KB and stays legible for an A4 page;
// re-encoding also drops EXIF data, location included.
//
// It works under the app's Content-Security-Policy: createImageBitmap and canvas need no
// URL at all, and the <img> fallback (old Safari) loads a blob: URL, which img-src allows.
import { sniff } from "./file-check.js";

const LONG_SIDE = 1600;
const QUALITY = 0.82;
const IMAGE = /^image\/(jpeg|png|webp|heic|heif)$/;
const SMALL_ENOUGH = 500 * 1024; // a small JPEG/PNG is kept as it is: re-encoding only loses detail

// Return { name, type, bytes (ArrayBuffer), size, original_size } ready to store and send.
export async function prepare(file) {
  const original = await readBytes(file);
  // What the bytes are, not what the name says (a photo saved as ".pdf" is still resized).
  const type = sniff(original) || file.type;
  const kept = { name: file.name, type, bytes: original, size: original.byteLength,
    original_size: original.byteLength };
  if (!IMAGE.test(type)) return kept; // PDFs go as they are
  let image;
  try {
    image = await decode(file);
  } catch {
    return kept; // not decodable here: let the server judge it
  }
  const scale = Math.min(1, LONG_SIDE / Math.max(image.width, image.height));
  if (scale === 1 && /jpeg|png/.test(type) && original.byteLength <= SMALL_ENOUGH) {
    release(image);
    return kept;
  }
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  const blob = await encode(image, width, height);
  release(image);
  if (blob.size >= original.byteLength && /jpeg|png/.test(type)) return kept;
  const bytes = await readBytes(blob);
  return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", type: "image/jpeg", bytes,
    size: bytes.byteLength, original_size: original.byteLength };
}

// Blob.arrayBuffer() arrived only in Safari 14; a Response reads any Blob.
function readBytes(blob) {
  return blob.arrayBuffer ? blob.arrayBuffer() : new Response(blob).arrayBuffer();
}

async function decode(file) {
  if (self.createImageBitmap) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // some Safari versions reject the options bag or this image type: try an <img>
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = "async";
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function release(image) {
  if (image.close) image.close(); // ImageBitmap: give back ~48 MB now, not at GC time
}

async function encode(image, width, height) {
  if (self.OffscreenCanvas) {
    const canvas = new OffscreenCanvas(width, height);
    draw(canvas.getContext("2d"), image, width, height);
    if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  draw(canvas.getContext("2d"), image, width, height);
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error("encode failed"))), "image/jpeg", QUALITY));
}

function draw(ctx, image, width, height) {
  ctx.fillStyle = "#fff"; // transparent PNG areas would turn black in a JPEG
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(image, 0, 0, width, height);
}
