"""Benchmark signing and checking a result: what `resolve` adds per PDF, what /xac-thuc costs.

    .venv/bin/python bench/signing.py [--runs 20]

Three results as offices send them: a one-page letter, a 20-page decision, and a 2 MB scanned
page (one large JPEG in a PDF). For each: pyHanko signing as the workflow does it (the demo
P-256 certificate), verification as the page does it (pyHanko's validation plus the checks of
the signature container), and the bytes the signature adds. Wall-clock and this process's CPU
(steadier on a shared machine). Prints a table, writes bench/results/signing.json.
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib import results  # noqa: E402
from bench.lib.measure import timed  # noqa: E402

RESULTS = results.RESULTS / "signing.json"
CODE = "000.00.00.H40-261201-0001"
TEXT = "Quyết định về việc giải quyết thủ tục hành chính. "


def documents() -> dict[str, bytes]:
    from fpdf import FPDF
    from PIL import Image

    from app.services.dossiers.declaration_pdf import FONTS

    def pdf(pages: int, image: bytes | None = None) -> bytes:
        doc = FPDF()
        doc.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        doc.set_font("DejaVu", size=11)
        for n in range(pages):
            doc.add_page()
            if image:
                doc.image(io.BytesIO(image), x=0, y=0, w=210)
            else:
                doc.multi_cell(0, 6, f"Trang {n + 1}. " + TEXT * 40)
        return bytes(doc.output())

    noise = Image.effect_noise((2480, 3508), 64).convert("RGB")  # A4 at 300 dpi, incompressible-ish
    scan = io.BytesIO()
    noise.save(scan, format="JPEG", quality=70)
    return {"1-page letter": pdf(1), "20-page decision": pdf(20), "scanned page": pdf(1, scan.getvalue())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from app import create_app
    from app.config import TestConfig
    from app.services.results.signing import sign_pdf
    from app.services.results.verification import verify

    folder = tempfile.mkdtemp(prefix="bench-signing-")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.sqlite3"
        BLOB_STORE = f"{folder}/blobs"
        RESULT_SIGNING_KEY = f"{folder}/key.pem"
        RESULT_SIGNING_CERT = f"{folder}/cert.pem"

    app = create_app(Config)
    report = {"load_before": results.load(), "runs": args.runs, "documents": {}}
    with app.app_context():
        from app.extensions import db

        db.create_all()
        for name, data in documents().items():
            signed = sign_pdf(data, CODE)
            assert verify(signed).ok
            row = {"bytes": len(data), "added_bytes": len(signed) - len(data),
                   "sign": timed(lambda d=data: sign_pdf(d, CODE), args.runs),
                   "verify": timed(lambda s=signed: verify(s), args.runs),
                   "verify_tampered": timed(lambda s=signed: verify(s[:100] + b"X" + s[101:]), args.runs)}
            report["documents"][name] = row
    report["machine"] = results.machine(packages=(*results.PACKAGES, "pyhanko", "cryptography"))
    print(f"{'document':<18} {'size':>9} {'added':>7} {'sign p50':>9} {'cpu':>7} {'verify p50':>11} "
          f"{'cpu':>7}")
    for name, row in report["documents"].items():
        sign, check = row["sign"], row["verify"]
        print(f"{name:<18} {row['bytes']:>9,} {row['added_bytes']:>7,} {sign['p50_ms']:>7} ms "
              f"{sign['cpu_p50_ms']:>4} ms {check['p50_ms']:>9} ms {check['cpu_p50_ms']:>4} ms")
    print("before:", report["load_before"]["uptime"])
    print("after: ", report["machine"]["uptime_at_end"])
    print("wrote", results.write_json(RESULTS, report))


if __name__ == "__main__":
    main()
