// Catalogue search ranking, the same rules as the server's (app/services/catalogue_search.py,
// whose docstring explains them): used to search the catalogue kept on the device when the
// network is away. Change both together; tests/browser/test_search_parity.py compares them.
// `table` is the compiled synonym table the page carries (catalogue_search.terms()).

const MAX_WORDS = 8;
const WEIGHTS = [6, 4, 2]; // a query word found in the name, the field, the agency's names
const NEAR = 4;
const PHRASE = [8, 4];
const CODE = 100;
const WORD = /[\p{L}\p{N}]+/gu; // letters and digits: Python's [^\W_]+

// app/services/text.py fold(): lower case, đ → d, diacritics removed, spaces collapsed.
export function fold(text) {
  return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/\p{Mn}/gu, "")
    .replace(/\s+/g, " ").trim();
}

const wordCache = new Map();

export function words(text) {
  let found = wordCache.get(text);
  if (!found) {
    found = fold(text).match(WORD) || [];
    if (wordCache.size > 20000) wordCache.clear();
    wordCache.set(text, found);
  }
  return found;
}

export function parse(query, table) {
  const typed = words(query).slice(0, MAX_WORDS);
  const skip = new Set(table.ignore);
  const concepts = [];
  const skipped = [];
  let i = 0;
  while (i < typed.length) {
    let n = Math.min(table.longest, typed.length - i);
    for (; n > 0; n--) {
      const key = typed.slice(i, i + n).join(" ");
      if (Object.prototype.hasOwnProperty.call(table.phrases, key)) {
        concepts.push({ alts: table.phrases[key], prefix: false, size: n });
        break;
      }
      if (skip.has(key)) {
        skipped.push({ alts: [typed.slice(i, i + n)], prefix: false, size: n });
        break;
      }
    }
    if (n === 0) {
      n = 1;
      const last = i === typed.length - 1;
      concepts.push({ alts: [[typed[i]]], prefix: last && typed[i].length >= 2, size: 1 });
    }
    i += n;
  }
  return concepts.length ? concepts : skipped;
}

// Where `alt` occurs in `seq`: [start, end, exact]; with `prefix`, its last word may be the
// start of a longer word.
function find(seq, alt, prefix) {
  const n = alt.length;
  const last = alt[n - 1];
  const found = [];
  for (let j = 0; j + n <= seq.length; j++) {
    if (seq[j] !== alt[0] && !(n === 1 && prefix)) continue;
    let same = true;
    for (let k = 1; k < n - 1 && same; k++) same = seq[j + k] === alt[k];
    if (!same) continue;
    const word = seq[j + n - 1];
    if (word === last) found.push([j, j + n, true]);
    else if (prefix && word.startsWith(last)) found.push([j, j + n, false]);
  }
  return found;
}

function score(entry, concepts, typed) {
  const texts = [words(entry.name), words(entry.field), words(entry.agency)];
  let matched = 0;
  let total = 0;
  const inName = [];
  for (const concept of concepts) {
    let best = 0;
    texts.forEach((seq, k) => {
      const hits = concept.alts.flatMap((alt) => find(seq, alt, concept.prefix));
      if (k === 0) inName.push(hits);
      if (hits.length) {
        const weight = hits.some((h) => h[2]) ? WEIGHTS[k] : Math.floor(WEIGHTS[k] / 2);
        best = Math.max(best, weight);
      }
    });
    if (best) {
      matched += concept.size;
      total += best * concept.size;
    }
  }
  for (let k = 0; k + 1 < inName.length; k++) {
    let gap = Infinity;
    for (const a of inName[k]) {
      for (const b of inName[k + 1]) if (b[0] >= a[1]) gap = Math.min(gap, b[0] - a[1]);
    }
    if (gap !== Infinity) total += Math.max(0, NEAR - gap);
  }
  if (typed.length >= 2) {
    const lastPrefix = concepts[concepts.length - 1].prefix;
    if (find(texts[0], typed, lastPrefix).length) total += PHRASE[0];
    else if (find(texts[1], typed, lastPrefix).length) total += PHRASE[1];
  }
  return [matched, total];
}

function codeScore(compact, code) {
  if (compact.length < 3 || !/[0-9]/.test(compact)) return 0;
  const folded = fold(code);
  if (folded === compact) return 2 * CODE;
  return folded.includes(compact) ? CODE : 0;
}

// [words found, score] for each entry, and how many words the query has.
export function scores(query, entries, table) {
  const concepts = parse(query, table);
  const wanted = concepts.reduce((sum, c) => sum + c.size, 0);
  const typed = words(query).slice(0, MAX_WORDS);
  const compact = fold(query).replace(/ /g, "");
  const found = entries.map((entry) => {
    let [matched, total] = concepts.length ? score(entry, concepts, typed) : [0, 0];
    const bonus = codeScore(compact, entry.code);
    if (bonus) {
      matched = Math.max(wanted, 1);
      total += bonus;
    }
    return [matched, total];
  });
  return { found, wanted };
}

// Order `entries` ({code, name, field, agency}, in catalogue order) for `query`: the indices
// of those found, best first (ties keep catalogue order), and whether they contain only some
// of the words.
export function rank(query, entries, table) {
  const { found, wanted } = scores(query, entries, table);
  const top = Math.max(0, ...found.map((f) => f[0]));
  if (!top) return { order: [], partial: false };
  const kept = [];
  found.forEach(([matched, total], i) => { if (matched === top) kept.push([total, i]); });
  kept.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return { order: kept.map((k) => k[1]), partial: top < wanted };
}
