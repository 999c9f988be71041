// The answer cache: Keyv over memory, Redis or SQLite (store.ts, the only module that imports Keyv), the
// caching policy (cache.ts), and the answers service the bot and the CLI call (answers.ts).
export { createAnswers, type AnswerEngine, type Answers, type AnswersOptions, type AnswersStats, type AskResult, type VersionChange } from './answers.ts';
export { createAnswerCache, openAnswerCache, type AnswerCache, type AnswerCacheOptions, type CacheStats, type OpenAnswerCacheOptions } from './cache.ts';
export { answerKey, keyQuestion, versionPrefix, CACHE_SCHEMA, type AnswerKey } from './key.ts';
export { describeUrl, openStore, storeKindOf, DEFAULT_MAX_MEMORY_ENTRIES, type Store, type StoreKind, type StoreOptions } from './store.ts';
