import type { QuestionType } from './question.ts';

/** A sentence quoted from an article: `text` is exactly `article.text.slice(start, end)`. */
export interface Citation {
  readonly articleId: string;
  readonly title: string;
  readonly source: string | null;
  /** The article file's path relative to the corpus folder. */
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** 1-based paragraph (among the article's prose paragraphs) and sentence within it. */
  readonly paragraph: number;
  readonly sentence: number;
  /** Index-wide sentence number, for follow-ups such as "more sources". */
  readonly sentenceId: number;
  /** The reranker's estimate that this sentence answers the question, in [0, 1]. */
  readonly score: number;
}

/** A short answer: an exact slice of a cited sentence's article, inside that sentence. */
export interface ShortAnswer {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The cited sentence it is a phrase of (always the answer's first citation). */
  readonly sentenceId: number;
}

/** Why a question is not answered; 'unknown-name': no article mentions a name the question asks about;
 * 'unmentioned-name': the best sentence's article never mentions it; 'dated': the question asks about the present
 * and the best sentence speaks only of years past; 'unexpanded': it asks what an acronym stands for and the best
 * sentence does not spell it out; 'untyped': it asks for a place or a count and the cited sentences offer none
 * (answer.ts, wantsTypedPhrase). */
export type NotFoundReason = 'empty-question' | 'no-match' | 'low-confidence' | 'unknown-name' | 'unmentioned-name' | 'dated' | 'unexpanded' | 'untyped';

export type Answer =
  | {
      readonly kind: 'answer';
      readonly question: string;
      readonly questionType: QuestionType;
      readonly answer: ShortAnswer | null;
      readonly confidence: number;
      readonly citations: readonly Citation[];
    }
  | {
      readonly kind: 'not-found';
      readonly question: string;
      readonly questionType: QuestionType;
      readonly reason: NotFoundReason;
      /** For 'unknown-name' and 'unmentioned-name': the name, as the question writes it (a clipping as it is read:
       * "february" for "feb", src/nlp/words.ts); for 'unexpanded', the acronym. */
      readonly name?: string;
      readonly confidence: number;
      /** The closest sentences, offered as "closest matches", never as an answer. */
      readonly nearest: readonly Citation[];
    };
