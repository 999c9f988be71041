export { FeedbackStore, FEEDBACK_FILE, type VoteResult } from './store.ts';
export { questionKey, statsOf, parseRecord, type AnswerRecord, type CitedSentence, type FeedbackStats, type Vote, type VoteRecord } from './records.ts';
