"""Benchmark a bank statement import: reading the file, storing and matching its credits, and
importing the same file again (every line already there).

    .venv/bin/python bench/payments_import.py [--dossiers 2000] [--lines 5000] [--only sqlite|postgres]

One department with a receiving account and N dossiers waiting for their 200.000 đ fee
(status 6). The statement (CSV and the same as XLSX) has L credit lines: one per dossier, its
code in the content as banks rewrite it (dots dropped, a prefix added) — most exact, a tenth
short, a tenth over — and the rest transfers naming no dossier. Times `statement.read` for
each format and `imports.import_statement` (each exact credit confirms its dossier through the
workflow) and the second import of the same file; wall-clock and this process's CPU. Prints a
table and writes bench/results/payments_import.json.
"""

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib import results  # noqa: E402
from bench.lib.db import backends, bench_app, where  # noqa: E402

RESULTS = results.RESULTS / "payments_import.json"
FEE = 200000


def seed(n: int) -> list[str]:
    """One department, its account and procedure, N dossiers at status 6; return their codes."""
    from app.extensions import db
    from app.lib.time import utcnow
    from app.models import Agency, BankAccount, Dossier, Procedure, Status

    agency = Agency(code="000.01.00.H40", name="Sở Tư pháp", short_name="STP")
    db.session.add(agency)
    db.session.flush()
    db.session.add(BankAccount(agency_id=agency.id, bank_bin="970436", account_number="0071000123456",
                               account_name="SO TU PHAP", columns={}))
    proc = Procedure(code="2.001417", name="Cấp Phiếu lý lịch tư pháp", field="Lý lịch tư pháp",
                     agency_id=agency.id, processing_time=10, fee=FEE, form_fields=[])
    db.session.add(proc)
    db.session.flush()
    codes = [f"000.00.00.H40-2612{1 + i // 9999:02d}-{i % 9999 + 1:04d}" for i in range(n)]
    now = utcnow()
    db.session.execute(db.insert(Dossier), [dict(
        client_id=str(uuid.uuid4()), payload_hash="0" * 64, code=code, procedure_id=proc.id,
        agency_id=agency.id, applicant_name="Nguyễn Văn A", applicant_id_number="079203001234",
        applicant_phone="0912345678", applicant_address="Tây Ninh", status=int(Status.AWAITING_PAYMENT),
        submitted_at=now, accepted_at=now, form_data={}, version=1, search_name="nguyen van a",
    ) for code in codes])
    db.session.commit()
    return codes


def statement_lines(codes: list[str], total: int) -> list[list]:
    from tests.payment_helpers import line

    lines = []
    for i, code in enumerate(codes):
        amount = FEE - 50000 if i % 10 == 1 else FEE + 20000 if i % 10 == 2 else FEE
        lines.append(line(i, f"FT{i:010d}", f"{amount:,}".replace(",", "."),
                          f"MBVCB.{i}.{code.replace('.', '')}.CT tu NGUYEN VAN A"))
    for i in range(len(codes), total):
        lines.append(line(i, f"FT{i:010d}", "150.000", f"chuyen tien {i} khong ro noi dung"))
    return lines


def clock(fn):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, round((time.perf_counter() - start) * 1000), round((time.process_time() - cpu) * 1000)


def run(backend: str, url: str, n: int, total: int) -> dict:
    from app.extensions import db
    from app.models import Agency
    from app.services.actors import Actor
    from app.services.payments import imports, statement
    from tests.payment_helpers import csv_bytes, xlsx_bytes

    print(f"\n{backend}: {where(url)}, {n:,} dossiers waiting, {total:,} statement lines", flush=True)
    with bench_app(url) as app:
        with app.app_context():
            codes = seed(n)
            agency_id = db.session.execute(db.select(Agency.id)).scalar_one()
            lines = statement_lines(codes, total)
            files = {"csv": csv_bytes(lines), "xlsx": xlsx_bytes(lines)}
            officer = Actor("user", "department", None, "Cán bộ Sở", agency_id)
            out = {"dossiers": n, "lines": total, "sizes_kb": {k: len(v) // 1024 for k, v in files.items()}}
            for kind, data in files.items():
                _credits, wall, cpu = clock(lambda d=data: statement.read(d))
                out[f"read_{kind}"] = {"wall_ms": wall, "cpu_ms": cpu}
                print(f"  read {kind:5} {len(data) // 1024:6} KB   {wall:6} ms   cpu {cpu:6} ms", flush=True)
            for label in ("import", "import_again"):
                summary, wall, cpu = clock(lambda: imports.import_statement(
                    agency_id, files["csv"], "sao-ke.csv", officer, "Cán bộ Sở"))
                db.session.remove()
                out[label] = {"wall_ms": wall, "cpu_ms": cpu, "added": summary.added,
                              "duplicates": summary.duplicates, "paid": summary.paid,
                              "confirmed": summary.confirmed, "partial": summary.partial,
                              "excess": summary.excess, "unmatched": summary.unmatched}
                print(f"  {label:12} {wall:6} ms   cpu {cpu:6} ms   added {summary.added}, "
                      f"confirmed {summary.confirmed}, partial {summary.partial}, excess {summary.excess}, "
                      f"unmatched {summary.unmatched}, duplicates {summary.duplicates}", flush=True)
    return {"url": where(url), **out, **results.load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    out = {"measured": time.strftime("%Y-%m-%d %H:%M"), "backends": {
        name: run(name, url, args.dossiers, max(args.lines, args.dossiers))
        for name, url in backends(args.only, "bench_payments_import")}}
    print(f"\nwrote {results.shown(results.save_backends(RESULTS, out, args.only))}")


if __name__ == "__main__":
    main()
