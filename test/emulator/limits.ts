// Discord's message rules as the emulator enforces them: the limits it rejects with 400 / 50035 (and the
// empty message it rejects with 50006). Written from Discord's documentation, independently of the bot's own
// src/bot/limits.ts, so that a mistake in one is caught by the other.

export interface Problem {
  readonly code: 50035 | 50006;
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function len(x: unknown): number {
  return typeof x === 'string' ? x.length : 0;
}

/** Problems with a message body (create, edit or interaction response data). `creating`: must not be empty. */
export function messageProblems(body: Json, creating: boolean): Problem[] {
  const problems: Problem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 50035, path, message });

  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') bad('content', 'must be a string');
    else if (body.content.length > 2000) bad('content', `must be 2000 or fewer in length (got ${body.content.length})`);
  }
  const embeds = arr(body.embeds);
  if (embeds.length > 10) bad('embeds', `must be 10 or fewer in length (got ${embeds.length})`);
  let total = 0;
  embeds.forEach((e, i) => {
    const embed = (e ?? {}) as Json;
    const p = `embeds.${i}`;
    const title = len(embed.title);
    const description = len(embed.description);
    if (title > 256) bad(`${p}.title`, `must be 256 or fewer in length (got ${title})`);
    if (description > 4096) bad(`${p}.description`, `must be 4096 or fewer in length (got ${description})`);
    if (embed.description === '') bad(`${p}.description`, 'must be 1 or more in length');
    const fields = arr(embed.fields);
    if (fields.length > 25) bad(`${p}.fields`, `must be 25 or fewer in length (got ${fields.length})`);
    let fieldChars = 0;
    fields.forEach((f, j) => {
      const field = (f ?? {}) as Json;
      const name = str(field.name);
      const value = str(field.value);
      if (name === null || name.length === 0) bad(`${p}.fields.${j}.name`, 'required, 1 or more in length');
      else if (name.length > 256) bad(`${p}.fields.${j}.name`, `must be 256 or fewer in length (got ${name.length})`);
      if (value === null || value.length === 0) bad(`${p}.fields.${j}.value`, 'required, 1 or more in length');
      else if (value.length > 1024) bad(`${p}.fields.${j}.value`, `must be 1024 or fewer in length (got ${value.length})`);
      fieldChars += len(name) + len(value);
    });
    const footer = len(((embed.footer ?? {}) as Json).text);
    const author = len(((embed.author ?? {}) as Json).name);
    if (footer > 2048) bad(`${p}.footer.text`, `must be 2048 or fewer in length (got ${footer})`);
    if (author > 256) bad(`${p}.author.name`, `must be 256 or fewer in length (got ${author})`);
    total += title + description + fieldChars + footer + author;
  });
  if (total > 6000) bad('embeds', `Embed size exceeds maximum size of 6000 (got ${total})`);

  const rows = arr(body.components);
  if (rows.length > 5) bad('components', `must be 5 or fewer in length (got ${rows.length})`);
  const ids = new Set<string>();
  rows.forEach((r, i) => {
    const row = (r ?? {}) as Json;
    if (row.type !== 1) bad(`components.${i}.type`, 'an action row is type 1');
    const buttons = arr(row.components);
    if (buttons.length < 1 || buttons.length > 5) bad(`components.${i}.components`, `must hold 1 to 5 components (got ${buttons.length})`);
    buttons.forEach((b, j) => {
      const button = (b ?? {}) as Json;
      const p = `components.${i}.components.${j}`;
      if (button.type !== 2) return;
      if (len(button.label) > 80) bad(`${p}.label`, `must be 80 or fewer in length (got ${len(button.label)})`);
      if (button.style !== 5) {
        const id = str(button.custom_id);
        if (id === null || id.length === 0) bad(`${p}.custom_id`, 'required for this button style');
        else if (id.length > 100) bad(`${p}.custom_id`, `must be 100 or fewer in length (got ${id.length})`);
        else if (ids.has(id)) bad(`${p}.custom_id`, 'Component custom id cannot be duplicated');
        else ids.add(id);
      }
      if (button.label === undefined && button.emoji === undefined) bad(`${p}`, 'a button needs a label or an emoji');
    });
  });

  if (creating && len(body.content) === 0 && embeds.length === 0 && rows.length === 0) {
    problems.push({ code: 50006, path: '', message: 'Cannot send an empty message' });
  }
  return problems;
}

/** Problems with an autocomplete result: at most 25 choices, names and values 1 to 100 characters. */
export function choiceProblems(data: Json): Problem[] {
  const problems: Problem[] = [];
  const choices = arr(data.choices);
  if (choices.length > 25) problems.push({ code: 50035, path: 'choices', message: `must be 25 or fewer in length (got ${choices.length})` });
  choices.forEach((c, i) => {
    const choice = (c ?? {}) as Json;
    for (const key of ['name', 'value'] as const) {
      const v = choice[key];
      const n = typeof v === 'string' ? v.length : String(v ?? '').length;
      if (n < 1 || n > 100) problems.push({ code: 50035, path: `choices.${i}.${key}`, message: `must be between 1 and 100 in length (got ${n})` });
    }
  });
  return problems;
}
