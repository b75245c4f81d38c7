"""Modules small enough to read in one sitting (issue 11): none in app/ over 300 lines, every
benchmark script under 300 (what they share lives in bench/lib/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_in_app_is_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "app").rglob("*.py") if (n := _lines(p)) > 300}
    assert long == {}, "split it before it grows further"


def test_every_benchmark_script_is_under_300_lines():
    scripts = list((ROOT / "bench").rglob("*.py"))
    assert len(scripts) > 10
    long = {str(p.relative_to(ROOT)): n for p in scripts if (n := _lines(p)) >= 300}
    assert long == {}, "put what it shares in bench/lib/"
