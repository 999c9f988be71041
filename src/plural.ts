// Counts in words, for every message and log line: "1 sentence", "15 sentences". Pure; no dependency, so the
// command-line tool and the bot share it without the CLI loading the bot's Discord formatting.

/** The noun for `n` of a thing: `one` for 1, else `many` (by default `one` with an s): plural(2, 'sentence') -> "sentences". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** A count with its noun: counted(1, 'sentence') -> "1 sentence", counted(15, 'sentence') -> "15 sentences". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${plural(n, one, many)}`;
}
