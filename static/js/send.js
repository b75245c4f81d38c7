// Send one outbox item: each file alone, addressed by its SHA-256, then the JSON request
// with the item's id as Idempotency-Key (DESIGN rules 2 and 3). A dropped connection
// costs at most the file in flight: files the server confirmed are not sent again.
//
// The answer is sorted into the three kinds of failure of rule 4:
//   "retry"     network error, 408, 429, 5xx: try again later, by itself
//   "signin"    401, 403: keep the item, ask the person to sign in
//   "attention" 409 (not blobs_missing), 413, 415, 422 and any other refusal: the person
//               must fix or discard it; never retried blindly

import { url } from "./routes.js";

const STALL_MS = 30000; // no upload progress for this long: treat the link as dropped
const JSON_TIMEOUT_MS = 60000;

export function classify(status) {
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  if (status === 401 || status === 403) return "signin";
  return "attention";
}

// What the person must do about an item the server would not take (null: it retries by
// itself); kept on the item as `need` and explained by attention.js: "signin" (sign in
// again, then it resends), "proof" (the signed link it carries was refused: give the phone
// or ID number), "conflict" (the server holds other content under this key), "fix".
export function need(item, error) {
  const kind = classify(error.status);
  if (kind === "retry") return null;
  const body = (item.request && item.request.body) || {};
  const proof = Boolean(body.token || body.secret);
  if (kind === "signin") return proof ? "proof" : "signin";
  if (error.error === "idempotency_conflict") return "conflict";
  // The code came from the server's own page, so "no such dossier" means the proof failed.
  if (error.status === 404 && proof) return "proof";
  return "fix";
}

// `hooks.progress(sha256, loaded, total)` while a file goes up; `hooks.blobSent(sha256)` once
// the server holds it; `hooks.blobsMissing(list)` when it says it lost some.
export async function send(item, hooks = {}) {
  const hook = (name, ...args) => (hooks[name] ? hooks[name](...args) : null);
  for (let round = 0; round < 3; round += 1) {
    for (const blob of item.blobs.filter((b) => !b.sent)) {
      const answer = await putBlob(blob, (loaded, total) => hook("progress", blob.sha256, loaded, total));
      if (answer.status !== 200 && answer.status !== 201) return failure(answer, blob.sha256);
      blob.sent = true;
      await hook("blobSent", blob.sha256);
    }
    const answer = await request("POST", item.request.url, JSON.stringify(item.request.body), {
      "Content-Type": "application/json", "Idempotency-Key": item.id,
    }, { timeout: JSON_TIMEOUT_MS });
    if (answer.status === 200 || answer.status === 201) return { outcome: "sent", result: answer.body };
    const body = answer.body || {};
    const missing = answer.status === 409 && body.error === "blobs_missing"
      ? (body.details && body.details.missing) || [] : null;
    if (!missing) return failure(answer);
    for (const blob of item.blobs) if (missing.includes(blob.sha256)) blob.sent = false;
    await hook("blobsMissing", missing);
  }
  return failure({ status: 0, body: null });
}

// `blob`: the file the server refused, so the form can show the reason next to it.
function failure(answer, blob = null) {
  const body = answer.body && typeof answer.body === "object" ? answer.body : {};
  return {
    outcome: classify(answer.status),
    error: { status: answer.status, error: body.error || "", message: body.message || "",
      details: body.details || null, retry_after: answer.retryAfter, blob },
  };
}

function putBlob(blob, progress) {
  return request("PUT", url("api_blob", { sha256: blob.sha256 }), blob.bytes,
    { "Content-Type": "application/octet-stream" }, { progress, stall: STALL_MS });
}

// XMLHttpRequest, not fetch: it reports upload progress, which fetch still cannot.
// Resolves with { status (0 = no answer), body, retryAfter }; never rejects.
function request(method, url, data, headers, { progress, stall, timeout = 0 } = {}) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let watchdog = null;
    const finish = (status) => {
      clearTimeout(watchdog);
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: keep null */ }
      // As sent: seconds or an HTTP date (backoff.js reads both).
      const retryAfter = (xhr.getResponseHeader && xhr.getResponseHeader("Retry-After")) || null;
      resolve({ status, body, retryAfter });
    };
    const kick = () => {
      if (!stall) return;
      clearTimeout(watchdog);
      watchdog = setTimeout(() => xhr.abort(), stall);
    };
    xhr.open(method, url);
    xhr.timeout = timeout;
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { kick(); if (progress) progress(e.loaded, e.total); };
    xhr.onload = () => finish(xhr.status);
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => finish(0);
    kick();
    xhr.send(data);
  });
}
