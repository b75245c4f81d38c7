"""File names people send, made safe to show to the staff who read them.

A name like `invoice\u202egpj.exe` shows as `invoiceexe.jpg` when a bidirectional override
is left in it, and zero-width characters hide what a name really says. We drop every
control and format character (Unicode categories Cc and Cf: controls, bidi embeddings,
overrides and isolates, zero-width spaces and joiners, the BOM) and keep the rest.
"""

import unicodedata

MAX_LENGTH = 255


def display_safe(name: str, fallback: str = "") -> str:
    """Return `name` without control or invisible formatting characters, at most 255 long."""
    text = unicodedata.normalize("NFC", name or "")
    cleaned = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    cleaned = " ".join(cleaned.split())[:MAX_LENGTH]
    return cleaned or fallback
