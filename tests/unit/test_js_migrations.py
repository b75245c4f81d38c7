"""The device database's upgrade steps (static/js/migrations.js) are frozen.

A step says what the data looked like at its version; a database made by an old build runs
it years later. So it imports nothing (a change to the app's live code cannot change what an
old upgrade does), and a step once released is never edited: its text (white space folded)
is pinned here, comments included (re-pin only for a comment, and say so in the commit). To
change the schema, append a step and pin it. (That the steps keep every
record: tests/browser/test_storage_steps.py.)
"""

import hashlib
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "static" / "js" / "migrations.js"
# sha256 of each released step's text, and of the helper the steps share.
PINNED = {
    "each": "963bc62f2478367f61653050c3fe998b928796bb89cb52d1ee03fd2145159650",
    "v1": "245dae39d4e23597cc36bed96c00c2705fe763732d2939830e6b030f53a5811a",
    "v2": "cc4dc1431043f1f5f17109386054e7f7349e0a1b5fab01ea8fdc65f9c5f53911",
    "v3": "d2799f164ef4ff8fa34847c58b031f6ac16a5293b0b874faf63a83a05a2cf20b",
}


def pieces(text: str) -> dict[str, str]:
    """Each step of MIGRATIONS (from its `// vN` comment to the next), and the helper `each`."""
    helper = re.search(r"^function each\(.*?^}\n", text, re.S | re.M)
    body = text[text.index("export const MIGRATIONS = [\n"):]
    starts = [(m.group(1), m.start()) for m in re.finditer(r"^  // (v\d+)\b", body, re.M)]
    out = {"each": helper.group(0)} if helper else {}
    for n, (name, start) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else body.rindex("];")
        out[name] = body[start:end]
    return out


def digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def test_the_steps_import_nothing():
    text = SOURCE.read_text(encoding="utf-8")
    assert not re.search(r"^\s*import\b|\bimport\s*\(", text, re.M)


def test_no_released_step_has_changed():
    found = {name: digest(text) for name, text in pieces(SOURCE.read_text(encoding="utf-8")).items()}
    assert set(PINNED) <= set(found), "a released step is missing: steps are only ever appended"
    changed = [name for name, pinned in PINNED.items() if found[name] != pinned]
    assert changed == [], "released steps are frozen: append a new step instead of editing these"
    assert set(found) - set(PINNED) == set(), "pin the new step's digest here once it is released"


def test_the_pin_sees_an_edit():
    text = SOURCE.read_text(encoding="utf-8")
    edited = text.replace('item.state === "attention" ? ', 'item.state === "waiting" ? ', 1)
    assert edited != text
    assert digest(pieces(edited)["v2"]) != PINNED["v2"]
    spaced = pieces(text.replace("(db, tx, done) => {", "(db,  tx,\n    done) => {"))  # white space alone
    assert {name: digest(spaced[name]) for name in PINNED} == PINNED
