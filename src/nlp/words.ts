// Words of chat that no dictionary lists, and the slips of typing that turn one word into another. Pure: the
// name rule for questions typed without capitals (src/answer/answer.ts) asks here before it reads an unknown
// word as a name, so that "srsly", "wanna" and "waht" are not taken for people or places.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Whether `word` (lower case, a-z) is one slip from a word `isWord` accepts: a letter added (unless `added` is
 * false), dropped or wrong, two neighbours swapped, or two such words run together ("feedsentirely"). It tries
 * about 54 strings a letter, so a caller bounds the length.
 */
export function oneSlipFrom(word: string, isWord: (candidate: string) => boolean, added = true): boolean {
  const n = word.length;
  for (let i = 0; i < n; i++) {
    if (added && isWord(word.slice(0, i) + word.slice(i + 1))) return true;
    if (i + 1 < n && isWord(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))) return true;
  }
  for (let i = 0; i <= n; i++) {
    for (const c of LETTERS) {
      if (isWord(word.slice(0, i) + c + word.slice(i))) return true;
      if (i < n && c !== word[i] && isWord(word.slice(0, i) + c + word.slice(i + 1))) return true;
    }
  }
  for (let i = 3; i <= n - 3; i++) if (isWord(word.slice(0, i)) && isWord(word.slice(i))) return true;
  return false;
}

/** Chat spellings and abbreviations people type into a Discord box, which no dictionary lists. */
const CHAT_WORDS = new Set([
  'afaik', 'abt', 'bc', 'bcoz', 'bcuz', 'becuz', 'bout', 'btw', 'cld', 'cos', 'coz', 'cuz', 'def', 'dunno', 'fyi',
  'gimme', 'gonna', 'gotta', 'guys', 'heya', 'hiya', 'idc', 'idk', 'iirc', 'imho', 'imo', 'irl', 'kinda', 'lemme',
  'lmao', 'lmk', 'lol', 'lotta', 'ngl', 'obv', 'obvs', 'okay', 'omg', 'outta', 'pls', 'plz', 'ppl', 'prolly',
  'rofl', 'shld', 'smh', 'sorta', 'srsly', 'sup', 'tbh', 'tho', 'thnx', 'thru', 'thx', 'tryna', 'wanna', 'wassup',
  'whatcha', 'wld', 'wtf', 'yall', 'yeah', 'yep', 'yup',
]);

/** English function words, which WordNet leaves out: their misspellings ("thier", "waht", "wich", "abuot") are
 * slips, not names. */
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

/**
 * Whether a lower-case word is chat, or a function word mistyped: "srsly", "wanna"; "whos" and "hows" (the
 * apostrophe left out); "thier", "waht", "wich", "abuot" (one slip). A letter typed too many is not tried, since
 * many names are a function word and a letter ("andy", "nora").
 */
export function chatWord(word: string): boolean {
  if (CHAT_WORDS.has(word) || FUNCTION_WORDS.has(word)) return true;
  if (word.endsWith('s') && FUNCTION_WORDS.has(word.slice(0, -1))) return true;
  return word.length >= 4 && word.length <= 12 && /^[a-z]+$/.test(word) && oneSlipFrom(word, (w) => FUNCTION_WORDS.has(w), false);
}
