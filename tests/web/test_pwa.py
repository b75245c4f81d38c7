"""The installable app over HTTP: manifest, service worker, hashed static files, compression."""

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch
from PIL import Image

from app.pwa.icons import ICONS, draw
from app.pwa.messages import msgids

ROOT = Path(__file__).resolve().parents[2]


def worker_build(client) -> dict:
    body = client.get("/sw.js").get_data(as_text=True)
    return json.loads(re.match(r"const BUILD = (.*);\n", body)[1])


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    body = response.json
    assert body["lang"] == "vi" and body["name"].startswith("Một Cửa") and body["short_name"] == "Một Cửa"
    assert body["start_url"] == "/" and body["scope"] == "/" and body["display"] == "standalone"
    assert body["theme_color"] and body["background_color"]
    purposes = {(i["sizes"], i["purpose"]) for i in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in body["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert Image.open(io.BytesIO(png.data)).size == tuple(map(int, icon["sizes"].split("x")))


def test_maskable_icon_fills_its_square_and_keeps_the_picture_in_the_safe_zone():
    img = draw(512, maskable=True)
    assert img.getpixel((0, 0))[3] == 255 and img.getpixel((511, 511))[3] == 255
    box = Image.eval(img.convert("L"), lambda v: 255 if v > 200 else 0).getbbox()  # the white page
    corners = [(box[0], box[1]), (box[2], box[3])]
    assert all(((x - 256) ** 2 + (y - 256) ** 2) ** 0.5 < 0.4 * 512 for x, y in corners)
    assert {name for name, _size, _m in ICONS} == {"icon-192.png", "icon-512.png", "icon-maskable-512.png"}


def test_service_worker_is_never_cached_and_lists_the_shell(client):
    response = client.get("/sw.js")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    build = worker_build(client)
    precache = build["precache"]
    assert "/offline" in precache and "/" in precache and "/hop-thu-di" in precache
    assert any(u.startswith("/static/vendor/htmx-2.0.11.min.js?v=") for u in precache)
    assert any(u.startswith("/static/js/main.js?v=") for u in precache)
    assert not [u for u in precache if u.startswith(("/staff", "/ho-so/", "/api/"))]
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_worker_version_follows_the_build(client, app):
    before = worker_build(client)["version"]
    assert worker_build(client)["version"] == before
    app.config["PWA_BUILD"] = "another deploy"
    assert worker_build(client)["version"] != before


def test_hashed_static_urls_are_immutable_and_others_revalidate(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]+))"', html)
    hashed = client.get(css[1])
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/css/app.css")
    assert plain.headers["Cache-Control"] == "no-cache"
    assert plain.headers["ETag"] == f'"{css[2]}"'
    assert client.get("/static/css/app.css", headers={"If-None-Match": f'"{css[2]}"'}).status_code == 304
    stale = client.get("/static/css/app.css?v=0000000000")
    assert stale.headers["Cache-Control"] == "no-cache"  # an old page asking: fresh bytes, not for a year


def test_module_imports_carry_the_hash_of_what_they_import(client):
    main = client.get("/static/js/main.js").get_data(as_text=True)
    imports = re.findall(r'from "\./([\w-]+\.js)\?v=([0-9a-f]+)"', main)
    assert imports, "main.js imports nothing by hashed URL"
    for name, digest in imports:
        response = client.get(f"/static/js/{name}?v={digest}")
        assert response.headers["Cache-Control"].endswith("immutable"), name
    assert re.search(r'import\("\./apply\.js\?v=[0-9a-f]+"\)', main)


@pytest.mark.parametrize("path", ["/static/../app/config.py", "/static/js/missing.js"])
def test_static_refuses_what_is_not_there(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("path", ["/", "/static/vendor/htmx-2.0.11.min.js", "/static/css/app.css"])
def test_responses_are_compressed(client, path, encoding):
    response = client.get(path, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]


def test_responses_within_one_packet_go_uncompressed(client):
    # The manifest fits in one TCP segment: compressing it would only cost server CPU.
    response = client.get("/manifest.webmanifest", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and len(response.data) < 1400
    assert "Content-Encoding" not in response.headers


@pytest.mark.parametrize("path, hook", [("/hop-thu-di", "data-outbox"),
                                        ("/ho-so-cua-toi", "data-my-dossiers")])
def test_device_pages_render_without_personal_data(client, path, hook):
    response = client.get(path)
    assert response.status_code == 200
    assert hook in response.get_data(as_text=True)


def test_pages_load_the_offline_module_and_show_the_outbox_badge(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<script type="module" src="/static/js/main\.js\?v=[0-9a-f]+"></script>', html)
    assert "data-outbox-count" in html and "data-update-banner" in html
    assert 'href="/manifest.webmanifest"' in html


JS_BLOCK = re.compile(r'<script type="application/json" id="js-messages">(.*?)</script>', re.S)


def test_script_messages_come_with_the_page_in_its_language(client):
    assert not JS_BLOCK.search(client.get("/").get_data(as_text=True))  # Vietnamese is the source
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get("/").get_data(as_text=True)
    messages = json.loads(JS_BLOCK.search(html)[1])
    assert messages["Gửi ngay"] == "Send now"  # a msgid of apply-panels.js the catalogue translates
    assert set(messages) <= set(msgids(ROOT / "static" / "js"))
    assert all(text and text != msgid for msgid, text in messages.items())


def test_babel_cfg_extracts_every_script_with_the_javascript_extractor():
    with open(ROOT / "babel.cfg") as fh:
        method_map, _options = parse_mapping_cfg(fh)
    modules = sorted((ROOT / "static" / "js").glob("*.js"))
    for path in modules:
        name = path.relative_to(ROOT).as_posix()
        method = next((m for pattern, m in method_map if pathmatch(pattern, name)), None)
        assert method == "javascript", name
    found = msgids(ROOT / "static" / "js")
    assert "Hộp thư đi đang trống." in found and "Lưu lúc %(time)s" in found
    # No Vietnamese left outside `_()`: each string literal with a Vietnamese letter is a msgid.
    vietnamese = re.compile(r'"([^"\n]*[À-ỹ][^"\n]*)"')
    for path in modules:
        code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("//"))
        code = re.sub(r"//.*", "", code)
        for literal in vietnamese.findall(code):
            assert literal in found, f"{path.name}: {literal!r} is not marked _()"
