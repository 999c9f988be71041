// The file name an ingested article is saved under, made by the bot from the article's title and content:
// nothing a user typed or a server sent reaches the file system as a path. Pure.
//
// "<slug>-<hash>.<ext>": the slug is the title folded to lower-case ASCII letters and digits joined by single
// hyphens (so no dot, slash, backslash, NUL, control or reserved character can appear), at most SLUG_MAX
// characters; the hash is the first HASH_CHARS hex digits of the content's SHA-256, so two different
// articles with the same title get different names and the same article always gets the same one.

export const SLUG_MAX = 60;
export const HASH_CHARS = 10;
export type SavedExtension = '.txt' | '.md';

/** Names Windows reserves (a corpus folder may be shared with one); a slug never equals one. */
const RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)$/;

export function slugify(title: string, max = SLUG_MAX): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // accents off their letters: "Café" -> "Cafe"
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > max) {
      if (!slug) slug = w.slice(0, max);
      break;
    }
    slug = next;
  }
  if (!slug || RESERVED.test(slug)) return slug ? `${slug}-article` : 'article';
  return slug;
}

/** The file name for an article with this title and this content hash (hex SHA-256). */
export function articleFileName(title: string | null, sha256: string, extension: SavedExtension): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`filename: not a hex SHA-256: "${sha256}"`);
  return `${slugify(title ?? '')}-${sha256.slice(0, HASH_CHARS)}${extension}`;
}
