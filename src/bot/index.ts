// The bot's public surface: what command modules, the entry point and tests use.
export { type Command, isCommand, loadCommands, COMMANDS_DIR } from './command.ts';
export { AMBIGUOUS_SHOWN, type AnswerService, type ArticleMatch, type AskOptions, type Asked, type BotContext, type CommandData, type Curation, type BotParts, type Library, type RankedOptions, answerService, buildBotContext, engineLibrary } from './context.ts';
export {
  type AnyInteraction,
  type AttachmentOption,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ButtonRow,
  type Choice,
  type CommandInteraction,
  type Member,
  type OutgoingMessage,
  type ReplyMethods,
  type ReplyTransport,
  NO_MENTIONS,
  withReplies,
} from './interaction.ts';
export { handle, mayUse, optionProblem, ERROR_MESSAGE, MODERATORS_ONLY, NOT_IN_DMS, type HandleOptions, type Registry } from './handler.ts';
export { QuestionLimiter, slowDown, type RateDecision, type RateScope } from './ratelimit.ts';
export { articleChoices, articleLabel, articleProblem, resolveArticleOption, type ArticleOption } from './articles.ts';
export { actorOf } from './actor.ts';
export { LIMITS } from './limits.ts';
export { CUT, articleChangeMessage, refusalMessage, confidenceInWords, counted, plural, cutMarkdown, escapeMarkdown, fitChoices, fitMessage, fitPlain, fitText, formatBytes, formatTime, linesWithin, message, notice, pageButtons, plainText, questionText, quoteBlock, userText, wellFormed } from './render.ts';
export { runConsole, parseLine, messageText } from './console.ts';
export { startDiscord, deployCommands, createClient, createRest, fetchGatewayAdvice, adapt, type GatewayAdvice, type RunningBot } from './discord.ts';
export { formatDuration } from './render.ts';
