// Words of chat that no dictionary lists, and the slips of typing that turn one word into another. Pure: the
// name rule for questions typed without capitals (src/answer/answer.ts) asks here before it reads an unknown
// word as a name, so that "srsly", "wanna" and "waht" are not taken for people or places; the question's reading
// (src/answer/question.ts) writes out clippings ("ppl", "feb") and mends a capital typed twice ("WHen") here.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Which slips oneSlipFrom tries besides a letter left out and two neighbours swapped. */
export interface SlipKinds {
  /** A letter typed too many (tried by dropping each letter). */
  readonly extra?: boolean;
  /** A wrong letter. */
  readonly wrong?: boolean;
  /** Two words run together. */
  readonly joined?: boolean;
}

/**
 * Whether `word` (lower case, a-z) is one slip from a word `isWord` accepts: a letter left out, two neighbours
 * swapped, or (unless `kinds` turns them off) a letter too many, a wrong one, or two such words run together
 * ("feedsentirely"). It tries about 54 strings a letter, so a caller bounds the length.
 */
export function oneSlipFrom(word: string, isWord: (candidate: string) => boolean, kinds: SlipKinds = {}): boolean {
  const { extra = true, wrong = true, joined = true } = kinds;
  const n = word.length;
  for (let i = 0; i < n; i++) {
    if (extra && isWord(word.slice(0, i) + word.slice(i + 1))) return true;
    if (i + 1 < n && word[i] !== word[i + 1] && isWord(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))) return true;
  }
  for (let i = 0; i <= n; i++) {
    for (const c of LETTERS) {
      if (isWord(word.slice(0, i) + c + word.slice(i))) return true;
      if (wrong && i < n && c !== word[i] && isWord(word.slice(0, i) + c + word.slice(i + 1))) return true;
    }
  }
  if (joined) for (let i = 3; i <= n - 3; i++) if (isWord(word.slice(0, i)) && isWord(word.slice(i))) return true;
  return false;
}

/** Chat spellings, abbreviations and clippings people type into a Discord box, which no dictionary lists. */
const CHAT_WORDS = new Set([
  'abt', 'admin', 'afaik', 'alot', 'app', 'apps', 'bc', 'bcoz', 'bcuz', 'becuz', 'bout', 'bruh',
  'btw', 'civs', 'cld', 'cos', 'coz', 'cuz', 'deets', 'def', 'dunno', 'fyi',
  'gimme', 'gonna', 'gotta', 'guys', 'heya', 'hiya', 'idc', 'idek', 'idk', 'iirc', 'imho',
  'imma', 'imo', 'irl', 'kinda', 'legit', 'lemme', 'lmao', 'lmk', 'lol', 'lotta', 'lowkey',
  'ngl', 'nvm', 'obv', 'obvs', 'ofc', 'okay', 'omg', 'outta', 'pls', 'plz',
  'prolly', 'rly', 'rofl', 'shld', 'smh', 'sorta', 'srsly', 'sup', 'tbh', 'thnx', 'tho', 'thru', 'thx',
  'tryna', 'wanna', 'wassup', 'wdym', 'whatcha', 'wld', 'wtf', 'wyd', 'wym', 'yall', 'yeah',
  'yep', 'yup',
]);

/**
 * Chat spellings and clippings whose meaning a news article spells out: "ppl" is "people" and "feb" "february" in
 * the articles. Read only where the asker's case says a clipping (spellOut): "Dec" of Ant and Dec, "APR" and "Wat
 * Pho" are names.
 * Left out, as names or words in lower case too: "jan", "mar", "apr", "dec", "sat", "wed", "wen", "pres", "mil".
 * Written out in lower case, so the reading adds no capital that the name rules would read as a name.
 */
const SPELLED_OUT: ReadonlyMap<string, string> = new Map([
  ['ppl', 'people'], ['peeps', 'people'], ['govt', 'government'], ['gov', 'government'], ['govts', 'governments'],
  ['prez', 'president'], ['xmas', 'christmas'], ['yr', 'year'], ['yrs', 'years'], ['execs', 'executives'],
  ['exec', 'executive'], ['celeb', 'celebrity'], ['celebs', 'celebrities'], ['fav', 'favourite'],
  ['fave', 'favourite'], ['favs', 'favourites'], ['faves', 'favourites'], ['mgmt', 'management'],
  ['dept', 'department'], ['intl', 'international'], ['natl', 'national'], ['approx', 'approximately'],
  ['info', 'information'], ['pic', 'picture'], ['pics', 'pictures'], ['vid', 'video'], ['vids', 'videos'],
  ['biz', 'business'], ['uni', 'university'], ['convo', 'conversation'], ['convos', 'conversations'],
  ['wat', 'what'], ['wut', 'what'], ['wht', 'what'], ['hw', 'how'], ['r', 'are'], ['u', 'you'], ['ur', 'your'],
  ['feb', 'february'], ['aug', 'august'], ['sept', 'september'], ['oct', 'october'], ['nov', 'november'],
  ['tues', 'tuesday'], ['weds', 'wednesday'], ['thurs', 'thursday'],
  ['q1', 'first quarter'], ['q2', 'second quarter'], ['q3', 'third quarter'], ['q4', 'fourth quarter'],
]);

/** English function words (WordNet leaves most of them out): their misspellings ("thier", "waht", "wich",
 * "abuot") are slips, not names. */
const FUNCTION_WORDS = new Set([
  'about', 'above', 'across', 'after', 'again', 'against', 'all', 'along', 'also', 'although', 'among', 'and',
  'another', 'any', 'anybody', 'anyone', 'anything', 'are', 'around', 'because', 'been', 'before', 'behind',
  'being', 'below', 'beneath', 'beside', 'between', 'beyond', 'both', 'but', 'can', 'cannot', 'could', 'did',
  'does', 'doing', 'done', 'down', 'during', 'each', 'either', 'else', 'every', 'everybody', 'everyone',
  'everything', 'for', 'from', 'had', 'has', 'have', 'having', 'her', 'here', 'hers', 'herself', 'him',
  'himself', 'his', 'how', 'into', 'its', 'itself', 'just', 'many', 'might', 'more', 'most', 'much', 'must',
  'myself', 'neither', 'never', 'nobody', 'none', 'nor', 'not', 'nothing', 'now', 'off', 'once', 'only', 'onto',
  'other', 'others', 'our', 'ours', 'ourselves', 'over', 'own', 'said', 'same', 'says', 'several', 'she',
  'should', 'since', 'some', 'somebody', 'someone', 'something', 'such', 'than', 'that', 'the', 'their',
  'theirs', 'them', 'themselves', 'then', 'there', 'these', 'they', 'this', 'those', 'though', 'through',
  'throughout', 'till', 'too', 'toward', 'towards', 'under', 'unless', 'until', 'upon', 'very', 'was', 'were',
  'what', 'whatever', 'when', 'where', 'whether', 'which', 'while', 'who', 'whoever', 'whom', 'whose', 'why',
  'will', 'with', 'within', 'without', 'would', 'yet', 'you', 'your', 'yours', 'yourself',
]);

/** Contractions typed without their apostrophe: the ending, and the words it follows ("hasnt", "theyre", "howd"). */
const CONTRACTIONS: readonly (readonly [string, ReadonlySet<string>])[] = [
  ['nt', new Set(['are', 'ca', 'could', 'did', 'do', 'does', 'had', 'has', 'have', 'is', 'might', 'must', 'need', 'should', 'was', 'were', 'wo', 'would'])],
  ['re', new Set(['they', 'we', 'what', 'where', 'who', 'you', 'there', 'here'])],
  ['ve', new Set(['could', 'i', 'might', 'must', 'should', 'they', 'we', 'what', 'who', 'would', 'you'])],
  ['ll', new Set(['he', 'i', 'it', 'she', 'that', 'there', 'they', 'we', 'what', 'who', 'you'])],
  ['d', new Set(['he', 'how', 'i', 'it', 'she', 'that', 'there', 'they', 'we', 'what', 'when', 'where', 'who', 'why', 'you'])],
  ['s', new Set(['he', 'here', 'how', 'it', 'let', 'she', 'that', 'there', 'what', 'when', 'where', 'who', 'why'])],
];

/** Function words with the slips oneSlipFrom allows them: a letter left out, two swapped, or run together. A
 * letter too many or a wrong one is not tried, since many names are a function word and a letter ("andy",
 * "nora"; "chen", "mary"). */
function functionSlip(word: string): boolean {
  return oneSlipFrom(word, (w) => FUNCTION_WORDS.has(w), { extra: false, wrong: false });
}

/**
 * Whether a lower-case word is chat, or a function word mistyped: "srsly", "wanna"; "hasnt", "theyre", "howd",
 * "whos" (the apostrophe left out); "thier", "waht", "wich", "abuot", "wats" (one slip); "smth", "wdym" (no
 * vowel: chat abbreviations, not names).
 */
export function chatWord(word: string): boolean {
  if (CHAT_WORDS.has(word) || FUNCTION_WORDS.has(word) || SPELLED_OUT.has(word)) return true;
  if (!/^[a-z]+$/.test(word)) return false;
  if (!/[aeiouy]/.test(word)) return true;
  for (const [ending, heads] of CONTRACTIONS) {
    if (!word.endsWith(ending)) continue;
    const head = word.slice(0, -ending.length);
    if (heads.has(head) || (head.length >= 3 && oneSlipFrom(head, (w) => heads.has(w), { extra: false, wrong: false }))) return true;
  }
  return word.length >= 4 && word.length <= 12 && functionSlip(word);
}

/** Clippings of months and weekdays, read capitalised too ("in Feb"), as English capitalises their full forms. */
const DATE_CLIPPINGS = new Set(['feb', 'aug', 'sept', 'oct', 'nov', 'tues', 'weds', 'thurs']);
/** A run of letters and digits: a word as spellOut reads it (a possessive's "s" is a word of its own). */
const WORD_TOKEN = /(?<![\p{L}\p{N}'’-])[\p{L}\p{N}]+(?![\p{L}\p{N}-])/gu;
/** The first letter of the text or of a sentence in it, which a keyboard capitalises for the asker. */
const STARTS_SENTENCE = /(?:^|[.!?]\s+)["“'‘(]*$/u;

/**
 * The question with its chat spellings written out (SPELLED_OUT): "how many ppl did yougov ask" reads "how many
 * people did yougov ask". A clipping is read only typed in lower case, capitalised as a sentence's first word
 * ("Ppl say..."), a month's or weekday's capitalised ("in Feb"), and "Q3" in any case; never when `known` says the
 * corpus uses the word as typed (a corpus that writes "govt" finds it as written).
 */
export function spellOut(text: string, known: (word: string) => boolean): string {
  return text.replace(WORD_TOKEN, (word, at: number) => {
    const lower = word.toLowerCase();
    const meaning = SPELLED_OUT.get(lower);
    if (meaning === undefined) return word;
    // Part of an abbreviation or a compound, not a word of its own: "u.s.", "r&d", "e.g. u".
    const before = text.slice(Math.max(0, at - 2), at);
    const after = text.slice(at + word.length, at + word.length + 2);
    if (/[&.]$/.test(before) || /^&|^\.\p{L}/u.test(after)) return word;
    // A letter after an article names something ("the r number", "a u turn"); "r" and "u" are chat only between words.
    if (lower.length === 1 && /\b(?:the|a|an|this|that)\s+$/i.test(text.slice(Math.max(0, at - 6), at))) return word;
    const titled = word === word[0] + lower.slice(1);
    const asTyped = word === lower || /^q\d$/.test(lower) || (titled && (DATE_CLIPPINGS.has(lower) || STARTS_SENTENCE.test(text.slice(0, at))));
    return asTyped && !known(lower) ? meaning : word;
  });
}

/**
 * The question with a capital typed twice made one ("WHen did...", "Harold WInston", "HOw"): two capitals then
 * lower case is no acronym, unless the lower case is a plural's "s" ("MPs", "PCs").
 */
export function repairShift(text: string): string {
  return text.replace(WORD_TOKEN, (word) => (/^\p{Lu}{2}\p{Ll}+$/u.test(word) && !/^\p{Lu}{2}s$/u.test(word) ? word[0] + word.slice(1).toLowerCase() : word));
}
