// An article parsed from text, for tests that build small indexes by hand.
import { isSkipped, parseArticle, type Article } from '../../src/corpus/article.ts';

/** The article `text` makes at `path`; throws when the text does not read as one. */
export function articleFrom(path: string, text: string): Article {
  const a = parseArticle(path, Buffer.from(text));
  if (isSkipped(a)) throw new Error(a.reason);
  return a;
}
