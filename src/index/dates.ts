// Words that say "when": years, months and weekdays. One list for the index (which flags sentences that hold
// a date) and the reranker (which looks for a date the question does not already name).
import { P } from '../nlp/wink.ts';
import { termText } from './terms.ts';

/** A year (1000-2099) or a decade ("1980s"). */
export const YEAR = /^(?:1\d|20)\d\d(?:s)?$/;

const MONTHS_AND_DAYS = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'today', 'yesterday', 'tomorrow', 'century', 'centuries', 'decade',
];
const WORDS = new Set(MONTHS_AND_DAYS);

/** Is a token (as written) a month, weekday or day word? "Jan." counts; "march" the verb is left to its tag. */
export function isDateWord(value: string): boolean {
  return WORDS.has(value.toLowerCase().replace(/\.$/, ''));
}

/** The index terms of the same words (terms are stems: "january" -> "januari"). */
export const DATE_WORD_TERMS: ReadonlySet<string> = new Set(MONTHS_AND_DAYS.map((w) => termText(w, P.PROPN)));
