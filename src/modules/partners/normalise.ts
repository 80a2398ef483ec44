/**
 * Text keys for duplicate detection and search across Latin, Vietnamese, Chinese and Thai.
 * MongoDB text indexes cannot tokenise CJK or Thai and FerretDB has none, so partners store
 * these derived keys when written and queries use plain equality on indexed arrays.
 */

// Scripts written without spaces between words: searched by character bigrams.
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}]/u;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Width-folds (全角 → ASCII), lower-cases and strips Latin accents (Hà Nội → ha noi). */
export function foldText(input: string): string {
  return (
    input
      .normalize('NFKC')
      .toLowerCase()
      .replace(/đ/g, 'd')
      .normalize('NFD')
      // Only the combining diacritics block: Thai vowel signs and tone marks are letters' parts.
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC')
  );
}

// Legal-form words that do not tell two organisations apart (compared after folding).
const LATIN_SUFFIXES = new Set([
  'co',
  'company',
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'llc',
  'plc',
  'pte',
  'pty',
  'sdn',
  'bhd',
  'tbk',
  'jsc',
  'gmbh',
  'sa',
  'ag',
  'bv',
  'pt',
  'tnhh',
  'mtv',
  'cong',
  'ty',
  'cp',
]);
const LATIN_PREFIXES = new Set(['the', 'pt', 'cong', 'ty', 'tnhh', 'mtv', 'co', 'phan', 'cp']);
const CJK_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '股份公司', '公司'];
// Folded like the names they are compared with (NFKC splits the Thai SARA AM).
const THAI_AFFIXES = ['บริษัท', 'จำกัด', 'มหาชน'].map((a) => foldText(a));

function stripCjkSuffix(word: string): string {
  for (const suffix of CJK_SUFFIXES) {
    if (word.length > suffix.length && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

/**
 * The duplicate key of an organisation name: folded, punctuation and spaces removed, legal
 * forms dropped. "Thai Airways International Public Co., Ltd." and "THAI AIRWAYS
 * INTERNATIONAL PUBLIC" share a key; so do 重庆旅游集团有限公司 and 重庆旅游集团.
 */
export function nameKey(name: string): string {
  let words = (foldText(name).match(WORD) ?? []).map(stripCjkSuffix);
  words = words.filter((w) => !THAI_AFFIXES.includes(w));
  for (const affix of THAI_AFFIXES)
    words = words.map((w) => (w.startsWith(affix) && w.length > affix.length ? w.slice(affix.length) : w));
  // Drop legal-form words at the end, and "the"/"PT" at the start, keeping at least one word.
  while (words.length > 1 && LATIN_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  while (words.length > 1 && LATIN_PREFIXES.has(words[0]!)) words.shift();
  const key = words.join('');
  return key || foldText(name).replace(/\s+/g, '');
}

/** "https://www.Example.com/path" → "example.com"; null when it is not a usable URL. */
export function websiteHost(website: string | null | undefined): string | null {
  if (!website) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(website) ? website : `https://${website}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

const PREFIX_MIN = 2;
const PREFIX_MAX = 16;

function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i < chars.length - 1; i += 1) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** Splits a folded word into runs of unspaced scripts and the rest. */
function runs(word: string): { text: string; unspaced: boolean }[] {
  const out: { text: string; unspaced: boolean }[] = [];
  for (const ch of word) {
    const unspaced = UNSPACED.test(ch) || (/\p{M}/u.test(ch) && out.at(-1)?.unspaced === true);
    const last = out.at(-1);
    if (last && last.unspaced === unspaced) last.text += ch;
    else out.push({ text: ch, unspaced });
  }
  return out;
}

/**
 * Index tokens for the given texts: word prefixes (2–16 characters) for spaced scripts, and
 * single characters plus bigrams for Chinese, Thai and the like.
 */
export function searchTokens(texts: (string | null | undefined)[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const word of foldText(text).match(WORD) ?? []) {
      for (const run of runs(word)) {
        if (run.unspaced) {
          for (const ch of run.text) if (!/\p{M}/u.test(ch)) tokens.add(ch);
          for (const b of bigrams(run.text)) tokens.add(b);
        } else {
          const chars = Array.from(run.text);
          if (chars.length < PREFIX_MIN) tokens.add(run.text);
          for (let n = PREFIX_MIN; n <= Math.min(chars.length, PREFIX_MAX); n += 1)
            tokens.add(chars.slice(0, n).join(''));
        }
      }
    }
  }
  return [...tokens];
}

/**
 * What a search box query must match: every token (prefix of a word, or bigram of an
 * unspaced run). An empty list means the query had nothing searchable.
 */
export function queryTokens(query: string): string[] {
  const tokens = new Set<string>();
  for (const word of foldText(query).match(WORD) ?? []) {
    for (const run of runs(word)) {
      if (run.unspaced) {
        for (const b of bigrams(run.text.replace(/^\p{M}+/u, ''))) tokens.add(b);
      } else {
        tokens.add(Array.from(run.text).slice(0, PREFIX_MAX).join(''));
      }
    }
  }
  return [...tokens];
}

/** Tags as users typed them, trimmed and de-duplicated (case-insensitively), from "a; b, c". */
export function parseTags(input: string | string[] | null | undefined): string[] {
  const parts = Array.isArray(input) ? input : (input ?? '').split(/[;,，；]/);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    const tag = part.normalize('NFKC').trim().replace(/\s+/g, ' ');
    const key = foldText(tag);
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function tagKey(tag: string): string {
  return foldText(tag.normalize('NFKC').trim().replace(/\s+/g, ' '));
}

/**
 * A website as stored: http(s) only, host lower-cased, no trailing slash. Bare hosts get
 * https://. Returns undefined when it is not a web address (javascript:, mailto:, junk).
 */
export function normaliseWebsite(input: string): string | undefined {
  const trimmed = input.trim();
  if (!trimmed) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname.includes('.'))
    return undefined;
  if (url.username || url.password) return undefined;
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host.toLowerCase()}${path}${url.search}`;
}
