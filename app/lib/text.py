"""Text folding for search: lower case, Vietnamese diacritics removed, đ → d."""

import re
import unicodedata


def fold(text: str) -> str:
    """Return `text` lower-cased, without diacritics, with runs of spaces collapsed."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip()
