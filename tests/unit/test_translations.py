"""English is available for every string: each message the code and templates use (extracted now,
as `make messages` does) has an English translation that is neither empty nor fuzzy, and keeps
the same %(name)s placeholders as its Vietnamese source (a missing one would raise or drop a value)."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted(tmp_path) -> list:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "N_", "-k", "_l", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with pot.open("rb") as fh:
        return [m for m in read_po(fh) if m.id]


def test_every_message_in_use_has_an_english_translation_with_its_placeholders(tmp_path):
    with (ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        english = read_po(fh)
    missing, fuzzy, wrong = [], [], []
    for message in _extracted(tmp_path):
        found = english.get(message.id)
        texts = [t for t in ((found.string,) if found and isinstance(found.string, str)
                             else (found.string if found else ()))]
        if not found or not all(texts):
            missing.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
        else:
            source = message.id if isinstance(message.id, str) else message.id[0]
            if any(set(PLACEHOLDER.findall(t)) != set(PLACEHOLDER.findall(source)) for t in texts):
                wrong.append(message.id)
    assert not missing, f"no English (run make messages, then translate): {missing[:10]}"
    assert not fuzzy, f"fuzzy English: {fuzzy[:10]}"
    assert not wrong, f"English with other placeholders than the Vietnamese: {wrong[:10]}"
