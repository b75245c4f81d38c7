"""Ranking a catalogue search: the query's words in a procedure's name, field and agency.

Words are compared whole, folded (case, Vietnamese diacritics and đ ignored); the last word
may still be being typed, so it also matches the start of a longer word (at half weight).
A word found in the name counts more than in the field, the field more than the agency;
consecutive query words close together in the name, and the query as typed side by side,
count more again. A synonym table (app/data/search_synonyms.json, SEARCH_SYNONYMS) lets
"kinh doanh" also find "doanh nghiệp". A procedure that contains every word (or whose
code contains the query) is found; if none does, those with the most words are offered
(a listed phrase counts as the words it is made of).

The device filters the stored catalogue with the very same rules when offline
(static/js/search-match.js, fed the compiled table from `terms()`): change both together;
tests/browser/test_search_parity.py runs the two on the same cases.
"""

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask import current_app

from app.lib.text import fold

DEFAULT_TABLE = Path(__file__).resolve().parents[2] / "data" / "search_synonyms.json"
MAX_WORDS = 8
WEIGHTS = (6, 4, 2)  # a query word found in the name, the field, the agency's names
NEAR = 4  # consecutive query words n words apart in the name add NEAR - n
PHRASE = (8, 4)  # the query as typed, side by side, in the name / in the field
CODE = 100  # the query is part of the procedure code (twice that: the whole code)
_WORD = re.compile(r"[^\W_]+")  # letters and digits: the same as /[\p{L}\p{N}]+/u in JS
_DIGIT = re.compile(r"[0-9]")


class Entry(NamedTuple):
    """What a procedure is found by."""

    code: str
    name: str
    field: str
    agency: str  # the agency's name and short name


class Concept(NamedTuple):
    """One thing the query asks for, in each of the ways it may be written."""

    alts: tuple[tuple[str, ...], ...]
    prefix: bool  # the last word typed: it may be the start of a longer word
    size: int  # how many of the query's words it stands for


@lru_cache(maxsize=20000)
def words(text: str) -> tuple[str, ...]:
    """Return the folded words of `text` (cached: catalogue texts repeat on every search)."""
    return tuple(_WORD.findall(fold(text)))


@lru_cache(maxsize=20000)
def sort_key(name: str) -> str:
    """The catalogue order: by name, folded (cached like `words`)."""
    return " ".join(words(name))


@lru_cache(maxsize=20000)
def _spaced(*texts: str) -> str:
    """The texts' words, each after a space: `" " + start in it` asks if a word starts so."""
    return "".join(f" {w}" for t in texts for w in words(t))


@lru_cache(maxsize=20000)
def _positions(text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, word in enumerate(words(text)):
        found.setdefault(word, []).append(i)
    return found


def compile_terms(raw: dict) -> dict:
    """Turn the synonym file into the table both matchers read (plain JSON, for the page).

    `phrases` maps each listed phrase (folded words, space-joined) to every way it may be
    written: itself first, then the other members of each line it is on.
    """
    if not isinstance(raw, dict):
        raise ValueError("the synonym table must be a JSON object")
    phrases: dict[str, list[list[str]]] = {}
    for line in raw.get("synonyms", []):
        if not isinstance(line, list) or not all(isinstance(m, str) for m in line):
            raise ValueError(f"each synonym line must be a list of strings: {line!r}")
        members = [list(words(m)) for m in line if words(m)]
        for member in members:
            alts = phrases.setdefault(" ".join(member), [member])
            alts.extend(m for m in members if m not in alts)
    ignore = raw.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(w, str) for w in ignore):
        raise ValueError("'ignore' must be a list of strings")
    skipped = sorted({" ".join(words(w)) for w in ignore if words(w)})
    longest = max((len(p.split()) for p in [*phrases, *skipped]), default=1)
    return {"phrases": phrases, "ignore": skipped, "longest": longest}


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> dict:
    return compile_terms(json.loads(Path(path).read_text(encoding="utf-8")))


def terms() -> dict:
    """Return the compiled synonym table; an edited file is read again on the next search."""
    path = current_app.config.get("SEARCH_SYNONYMS") or str(DEFAULT_TABLE)
    try:
        return _load(path, os.stat(path).st_mtime_ns)
    except (OSError, ValueError) as error:  # a broken table costs the synonyms, not the search
        current_app.logger.error("search synonyms not loaded from %s: %s", path, error)
        return compile_terms({})


def parse(query: str, table: dict) -> list[Concept]:
    """Split `query` into concepts: listed phrases (longest first) or single words."""
    typed = words(query)[:MAX_WORDS]
    phrases, skip = table["phrases"], set(table["ignore"])
    concepts, skipped = [], []
    i = 0
    while i < len(typed):
        for n in range(min(table["longest"], len(typed) - i), 0, -1):
            key = " ".join(typed[i:i + n])
            if key in phrases:
                concepts.append(Concept(tuple(tuple(a) for a in phrases[key]), False, n))
                break
            if key in skip:
                skipped.append(Concept((typed[i:i + n],), False, n))
                break
        else:
            n = 1
            last = i == len(typed) - 1
            concepts.append(Concept((typed[i:i + 1],), last and len(typed[i]) >= 2, 1))
        i += n
    return concepts or skipped  # a query of nothing but "thủ tục" still looks for it


@lru_cache(maxsize=65536)  # the same searches come again (and the catalogue stays)
def _find(text: str, alt: tuple[str, ...], prefix: bool) -> tuple[tuple[int, int, bool], ...]:
    """Where `alt` occurs in `text`'s words: (start, end, exact).

    With `prefix`, its last word may be the start of a longer word (exact is then False).
    """
    seq, n = words(text), len(alt)
    if n == 1 and prefix:
        if f" {alt[0]}" not in _spaced(text):
            return ()
        return tuple((j, j + 1, w == alt[0]) for j, w in enumerate(seq) if w.startswith(alt[0]))
    found = []
    for j in _positions(text).get(alt[0], ()):
        if j + n > len(seq) or seq[j + 1:j + n - 1] != alt[1:-1]:
            continue
        if seq[j + n - 1] == alt[-1]:
            found.append((j, j + n, True))
        elif prefix and seq[j + n - 1].startswith(alt[-1]):
            found.append((j, j + n, False))
    return tuple(found)


def _score(entry: Entry, concepts: list[Concept], typed: tuple[str, ...]) -> tuple[int, int]:
    """Return (how many of the query's words the entry contains, its score)."""
    texts = (entry.name, entry.field, entry.agency)
    present = [_positions(t) for t in texts]
    matched = score = 0
    in_name = []
    for concept in concepts:
        best = 0
        for k, (text, weight) in enumerate(zip(texts, WEIGHTS, strict=True)):
            # Most words are in none of the texts: skip those without a call (speed only).
            hits = [h for alt in concept.alts if concept.prefix or alt[0] in present[k]
                    for h in _find(text, alt, concept.prefix)]
            if k == 0:
                in_name.append(hits)
            if hits:
                best = max(best, weight if any(h[2] for h in hits) else weight // 2)
        if best:
            matched += concept.size
            score += best * concept.size
    for before, after in zip(in_name, in_name[1:], strict=False):
        gaps = [b[0] - a[1] for a in before for b in after if b[0] >= a[1]]
        if gaps:
            score += max(0, NEAR - min(gaps))
    if len(typed) >= 2:
        last_prefix = concepts[-1].prefix
        if _find(entry.name, typed, last_prefix):
            score += PHRASE[0]
        elif _find(entry.field, typed, last_prefix):
            score += PHRASE[1]
    return matched, score


def _code_score(compact: str, code: str) -> int:
    if len(compact) < 3 or not _DIGIT.search(compact):
        return 0
    code = fold(code)
    return 2 * CODE if code == compact else CODE if compact in code else 0


def _entry_score(entry: Entry, concepts: list[Concept], typed: tuple[str, ...], compact: str,
                 wanted: int) -> tuple[int, int]:
    matched, score = _score(entry, concepts, typed) if concepts else (0, 0)
    if bonus := _code_score(compact, entry.code):
        matched, score = max(wanted, 1), score + bonus
    return matched, score


def scores(query: str, entries: list[Entry], table: dict) -> tuple[list[tuple[int, int]], int]:
    """Return (words found, score) for each entry, and how many words the query has."""
    concepts = parse(query, table)
    wanted = sum(c.size for c in concepts)
    typed, compact = words(query)[:MAX_WORDS], fold(query).replace(" ", "")
    return [_entry_score(e, concepts, typed, compact, wanted) for e in entries], wanted


@lru_cache(maxsize=20000)
def _all_words(*texts: str) -> frozenset[str]:
    return frozenset(w for t in texts for w in words(t))


def _bound(entry: Entry, concepts: list[Concept]) -> int:
    """At most how many of the query's words the entry contains (a quick look at first words)."""
    seen = _all_words(entry.name, entry.field, entry.agency)
    bound = 0
    for concept in concepts:
        if concept.prefix:  # one word as typed so far
            spaced = _spaced(entry.name, entry.field, entry.agency)
            bound += concept.size if f" {concept.alts[0][0]}" in spaced else 0
        elif any(alt[0] in seen for alt in concept.alts):
            bound += concept.size
    return bound


def rank(query: str, entries: list[Entry], table: dict) -> tuple[list[int], bool]:
    """Order `entries` (given in catalogue order) for `query`.

    Return the indices of the entries found, best first (ties keep catalogue order), and
    whether they contain only some of the words (no entry contains them all). The same as
    ranking `scores()`, but only entries that may contain the most words are scored in full.
    """
    concepts = parse(query, table)
    wanted = sum(c.size for c in concepts)
    typed, compact = words(query)[:MAX_WORDS], fold(query).replace(" ", "")
    levels: dict[int, list[int]] = {}
    for i, entry in enumerate(entries):
        if _code_score(compact, entry.code):
            bound = max(wanted, 1)
        else:
            bound = _bound(entry, concepts) if concepts else 0
        if bound:
            levels.setdefault(bound, []).append(i)
    top, kept = 0, []
    for bound in sorted(levels, reverse=True):
        if bound < top:
            break  # these cannot contain as many words as those already found
        for i in levels[bound]:
            matched, score = _entry_score(entries[i], concepts, typed, compact, wanted)
            if matched > top:
                top, kept = matched, []
            if matched and matched == top:
                kept.append((-score, i))
    kept.sort()
    return [i for _, i in kept], bool(top) and top < wanted
