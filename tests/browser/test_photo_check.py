"""Checking a photo on the phone: a blurred or dark photo is said at once, never refused.

A picked photo is judged in the page (static/js/photo-check.js) after it is made small;
when it looks unreadable the person sees why, in Vietnamese, beside the file, with "Chụp
lại" and "Vẫn dùng ảnh này". Kept, it is sent like any other; retaken, the new photo takes
its place. The photos are drawn by bench/photos/generate.py (the benchmark's generator).
"""

import base64

import pytest
from playwright.sync_api import expect

from bench.photos.generate import CLASSES
from tests.browser.support import (
    DRAFTS,
    SUBMIT,
    dossiers,
    draw_photos,
    fill_with_a_blurred_photo,
    open_form,
    pick_photo,
    wait_until,
)
from tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.browser

BLURRED = "Ảnh bị mờ, vui lòng chụp lại."


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """One photo of each kind (ok, blurry, dark, bright, glare, small), drawn once."""
    return draw_photos(tmp_path_factory.mktemp("shots"), CLASSES)


# Each stored file's name and the check stored with it.
CHECKS = """(await new Promise((ok) => { const r = indexedDB.open('motcua');
  r.onsuccess = () => { const q = r.result.transaction('drafts').objectStore('drafts').getAll();
  q.onsuccess = () => { r.result.close(); ok(q.result); }; }; }))
  .flatMap((d) => Object.values(d.files).flat().map((f) => ({ name: f.name, check: f.check })))"""


def test_a_blurred_photo_is_said_kept_anyway_and_sent(page, app, procedure, shots):
    form, photo = fill_with_a_blurred_photo(page, procedure, shots)

    field = page.locator(f"[data-requirement='{photo}']")
    hint = field.locator(".photo-hint")
    expect(hint).to_be_visible()
    expect(hint.locator("p")).to_contain_text(BLURRED)
    expect(hint.get_by_role("button", name="Chụp lại")).to_be_visible()
    expect(page.locator(f"[data-requirement='{form}'] .photo-hint")).to_have_count(0)  # sharp: nothing
    expect(field.locator(".file-name")).to_have_text("✓ blurry.jpg")  # attached, not refused
    expect(page.locator(".error-summary")).to_have_count(0)
    field.screenshot(path="/tmp/photo-check-blurred.png")  # at 360 px: the hint beside its file

    hint.get_by_role("button", name="Vẫn dùng ảnh này").click()
    expect(field.locator(".photo-hint")).to_have_count(0)
    expect(field.locator(".file-name")).to_have_text("✓ blurry.jpg")
    kept = wait_until(page, f"((files) => files.some((f) => f.check.kept) && files)({CHECKS})")
    stored = {f["name"]: f["check"] for f in kept}
    assert stored["blurry.jpg"]["issues"][0] == "blurry" and stored["blurry.jpg"]["kept"] is True
    assert stored["ok.jpg"]["issues"] == []

    sha = {f["name"]: f["sha256"] for d in page.evaluate(DRAFTS) for f in d["files"]}
    page.click(SUBMIT)
    page.wait_for_url("**/bien-nhan?t=*", timeout=60000)  # sent: the receipt
    code = page.url.split("/ho-so/")[1].split("/")[0]
    [dossier] = [d for d in dossiers(app) if d["code"] == code]
    assert {(x["requirement"], x["sha256"]) for x in dossier["documents"]} == {
        (form, sha["ok.jpg"]), (photo, sha["blurry.jpg"])}  # the kept photo went, as it was


def test_retaking_puts_the_new_photo_in_the_old_ones_place(page, procedure, shots):
    open_form(page, procedure)
    photo = procedure["requirements"][1]
    pick_photo(page, photo, shots["dark"])
    field = page.locator(f"[data-requirement='{photo}']")
    expect(field.locator(".photo-hint p")).to_contain_text("Ảnh quá tối")

    with page.expect_file_chooser() as chooser:
        field.get_by_role("button", name="Chụp lại").click()
    chooser.value.set_files(str(shots["ok"]))
    expect(field.locator(".file-name")).to_have_text("✓ ok.jpg")  # only the new one
    expect(field.locator(".photo-hint")).to_have_count(0)
    wait_until(page, f"(await ({DRAFTS})()).some((d) => d.files.map((f) => f.name).join() === 'ok.jpg')")


def test_a_pdf_is_not_judged_as_a_photo(page, procedure, tmp_path):
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(pdf_bytes())
    open_form(page, procedure)
    req = procedure["requirements"][0]
    pick_photo(page, req, scan)
    expect(page.locator(f"[data-requirement='{req}'] .file-name")).to_have_text("✓ to-khai.pdf")
    expect(page.locator(".photo-hint")).to_have_count(0)
    assert page.evaluate(f"async () => {CHECKS}") == [{"name": "to-khai.pdf", "check": None}]


# In the page: each photo through photo.js prepare() and checkPhoto(), as the form does it.
CHECK = """async (names) => {
  const { prepare } = await import('/static/js/photo.js');
  const { checkPhoto } = await import('/static/js/photo-check.js');
  const out = {};
  for (const [label, b64] of Object.entries(names)) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const f = await prepare(new File([bytes], label + '.jpg', { type: 'image/jpeg' }));
    const withDecoder = await checkPhoto(f);
    const without = await checkPhoto(f, { imageDecoder: false });
    out[label] = [withDecoder.issues, without.issues];
  }
  return out;
}"""


def test_each_kind_of_photo_is_named_on_both_decoding_paths(page, procedure, shots):
    open_form(page, procedure)  # the app's own page, under its Content-Security-Policy
    found = page.evaluate(CHECK, {k: base64.b64encode(p.read_bytes()).decode() for k, p in shots.items()})
    for label, (with_decoder, without) in found.items():
        expected = [] if label == "ok" else [label]
        assert with_decoder[:1] == expected, (label, with_decoder)
        assert without[:1] == expected, (label, without)


# In the page: the thresholds at their edges, and the size read from a file's header.
EDGES = """async (png64) => {
  const { judge, LIMITS: L, dimensions } = await import('/static/js/photo-check.js');
  const fine = { ink: 20, p50: 200, p95: 230, sharpness: L.sharp * 2, glare: 0 };
  const at = (change, w = 1600, h = 1200) => judge({ ...fine, ...change }, w, h);
  const png = Uint8Array.from(atob(png64), (c) => c.charCodeAt(0)).buffer;
  return {
    fine: at({}),
    small: [at({}, L.minLong - 1, L.minShort), at({}, L.minLong, L.minShort - 1),
            at({}, L.minLong, L.minShort)],
    dark: [at({ p95: L.dark - 1 }), at({ p95: L.dark })],
    bright: [at({ p50: L.brightPaper, ink: L.brightInk }), at({ p50: L.brightPaper - 1, ink: L.brightInk }),
             at({ p50: 255, ink: L.brightInk - 1 })],
    glare: [at({ glare: L.glare }), at({ glare: L.glare - 0.001 }), at({ glare: 0.5, p50: L.glarePaper })],
    blurry: [at({ sharpness: L.sharp - 0.001 }), at({ sharpness: L.sharp })],
    order: at({ p95: 10, sharpness: 0 }, 300, 200),
    png: dimensions(png), notAnImage: dimensions(new TextEncoder().encode('%PDF-1.4').buffer),
  };
}"""


def test_the_thresholds_at_their_edges(page, procedure):
    open_form(page, procedure)
    r = page.evaluate(EDGES, base64.b64encode(png_bytes(3, 2)).decode())
    assert r["fine"] == []
    assert r["small"] == [["small"], ["small"], []]
    assert r["dark"] == [["dark"], []]
    assert r["bright"] == [["bright"], [], []]
    assert r["glare"] == [["glare"], [], []]
    assert r["blurry"] == [["blurry"], []]
    assert r["order"] == ["small", "dark", "blurry"]  # the first is the one said
    assert r["png"] == {"width": 3, "height": 2}
    assert r["notAnImage"] is None
