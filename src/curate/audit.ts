// The audit trail of moderators' changes to the corpus: one JSON line per change (ingest, remove, restore,
// refresh, and the trash retention's purge), appended to <corpus>/.audit.jsonl (hidden, so the loader ignores
// it; beside the articles, so it moves and is backed up with them). Only ever appended to. A line torn by a
// crash is skipped on reading, and the file is ended with a newline before the next line goes on, so a torn
// line never swallows a record.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const AUDIT_FILE = '.audit.jsonl';

export type AuditAction = 'ingest' | 'remove' | 'restore' | 'refresh' | 'purge';

export interface AuditArticle {
  readonly id: string;
  readonly path: string;
  readonly title: string;
}

export interface AuditEntry {
  readonly at: string;
  readonly action: AuditAction;
  readonly by: { readonly id: string; readonly name: string };
  readonly guild: string | null;
  /** The article added, removed or restored. */
  readonly article?: AuditArticle;
  /** SHA-256 (hex) of the article file's bytes. */
  readonly sha256?: string;
  readonly bytes?: number;
  /** Ingest: where it came from (a web link, or "attachment <name>"). */
  readonly from?: string;
  /**
   * Relative to the corpus folder. Remove: where the file went; restore: the trash entry it came from; purge:
   * the file deleted.
   */
  readonly trash?: string;
  /** Refresh: what changed, by article id, with the SHA-256 of each added or changed file. */
  readonly diff?: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: readonly string[];
    readonly skipped: readonly { readonly path: string; readonly reason: string }[];
    readonly files: readonly { readonly path: string; readonly sha256: string }[];
  };
  /** The corpus version before and after: answers cached under `before` are no longer served. */
  readonly corpus: { readonly before: string; readonly after: string };
}

const ACTIONS: readonly string[] = ['ingest', 'remove', 'restore', 'refresh', 'purge'] satisfies readonly AuditAction[];

function parseEntry(line: string): AuditEntry | null {
  try {
    const e = JSON.parse(line) as Partial<AuditEntry>;
    if (typeof e.at !== 'string' || typeof e.action !== 'string' || !ACTIONS.includes(e.action)) return null;
    if (typeof e.by?.id !== 'string' || typeof e.by.name !== 'string' || typeof e.corpus?.before !== 'string') return null;
    return e as AuditEntry;
  } catch {
    return null; // a torn or damaged line
  }
}

export class AuditLog {
  readonly path: string;

  constructor(corpusDir: string) {
    this.path = join(corpusDir, AUDIT_FILE);
  }

  /** Append one entry and flush it to disk. Callers serialise their appends (the curator does). */
  async append(entry: AuditEntry): Promise<void> {
    const handle = await open(this.path, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.appendFile(`${prefix}${JSON.stringify(entry)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Every readable entry, oldest first, and how many lines could not be read. */
  async read(): Promise<{ entries: AuditEntry[]; unreadable: number }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: 0 };
      throw err;
    }
    const entries: AuditEntry[] = [];
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (line.trim().length === 0) continue;
      const e = parseEntry(line);
      if (e) entries.push(e);
      else unreadable++;
    }
    return { entries, unreadable };
  }
}
