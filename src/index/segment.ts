// An article's content paragraphs to sentences with exact offsets. wink's sentence breaker runs once over
// the whole text; its sentences are then cut at paragraph edges, because wink alone runs a headline into the
// caption below it ("...Swiss talks\n\n\nFile photo shows ..." comes out as one sentence).
import type { Article } from '../corpus/article.ts';
import { tokenize, type TokenStream } from '../nlp/wink.ts';

export interface SentenceSpan {
  /** Character offsets in the article's text: text.slice(start, end) is the sentence. */
  readonly start: number;
  readonly end: number;
  /** Token range in the article's token stream, [firstToken, endToken). */
  readonly firstToken: number;
  readonly endToken: number;
  /** 1-based paragraph number among the article's content paragraphs, and sentence number within it. */
  readonly paragraph: number;
  readonly sentence: number;
}

export interface Segmented {
  readonly tokens: TokenStream;
  readonly sentences: SentenceSpan[];
}

const WORDISH = /[\p{L}\p{N}]/u;
/** What follows the stop of a web address: two to four lower-case letters, then no letter ("com", "co", "uk"). */
const WEB_SUFFIX = /^\p{Ll}{2,4}(?!\p{L})/u;

/**
 * Whether a break wink puts before offset `at` falls inside a sentence:
 * - inside a web address: wink breaks "Amazon.com", "Plus.net" and "amazon.co.uk" after the stop, where two to four
 *   lower-case letters and no more follow it. Anything else after a stop with no space is a new sentence whose space
 *   was lost, and stays one ("...Joy Division.Those guys", "...in 25 years.perhaps the vote", "...quarter.iTunes");
 * - before a comma or semicolon after "?" or "!": "The report, entitled Broadband Britain: The End Of Asymmetry?, was
 *   commissioned", "Yahoo!, Intel".
 */
function midSentence(text: string, at: number): boolean {
  if (text[at - 1] === '.') return WEB_SUFFIX.test(text.slice(at, at + 5));
  return /[?!]["”’']?$/.test(text.slice(Math.max(0, at - 2), at)) && /^[,;]/.test(text[at] ?? '');
}

export function segment(article: Article): Segmented {
  const tokens = tokenize(article.text);
  const { starts, ends, sentenceEnds } = tokens;
  const sentences: SentenceSpan[] = [];
  const n = starts.length;
  // Sentence break after token i (exclusive end index) as wink sees it.
  const breakAt = new Uint8Array(n + 1);
  const text = article.text;
  for (const e of sentenceEnds) if (!(e < n && midSentence(text, starts[e] as number))) breakAt[e] = 1;

  let t = 0;
  let paragraphNo = 0;
  for (const p of article.paragraphs) {
    if (p.kind !== 'content') continue;
    paragraphNo++;
    while (t < n && (starts[t] as number) < p.start) t++;
    let first = t;
    let sentenceNo = 0;
    const close = (endToken: number) => {
      if (endToken <= first) return;
      let words = false;
      for (let k = first; k < endToken && !words; k++) words = WORDISH.test(tokens.values[k] as string);
      if (words) {
        sentences.push({
          start: starts[first] as number,
          end: ends[endToken - 1] as number,
          firstToken: first,
          endToken,
          paragraph: paragraphNo,
          sentence: ++sentenceNo,
        });
      }
      first = endToken;
    };
    while (t < n && (ends[t] as number) <= p.end) {
      t++;
      if (breakAt[t]) close(t);
    }
    close(t);
  }
  return { tokens, sentences };
}
