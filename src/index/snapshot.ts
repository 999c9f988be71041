// The saved index: one binary file holding every typed array of an Index as raw bytes and every other field
// as JSON, behind a header that names the format, the caller's fingerprint (corpus version, engine settings)
// and a checksum. Pure: bytes in, bytes out; where the file lives and whether its fingerprint still matches
// the corpus is decided by src/store/snapshots.ts.
//
// Layout (integers little-endian):
//   0   8 bytes  magic "VBTMIDX\0"
//   8   u32      SNAPSHOT_SCHEMA
//   12  u32      header length H
//   16  20 bytes SHA-1 of the header bytes
//   36  H bytes  header (JSON, UTF-8)
//   ... sections, each starting at a multiple of 8, in header order
// SHA-1 is a checksum here (torn writes, bit rot), not a defence against tampering.
import { createHash } from 'node:crypto';
import type { Index } from './types.ts';
import { fromPortable, makeTypedArray, toPortable, typedArrayName, type PortableValue, type TypedArray } from './portable.ts';

/** Bump when the file layout changes. A snapshot of another schema is rejected, never read. */
export const SNAPSHOT_SCHEMA = 1;

const MAGIC = Buffer.from('VBTMIDX\0', 'latin1');
const PREFIX = 36;
const ALIGN = 8;

interface Section {
  readonly offset: number;
  readonly length: number;
}

export interface SnapshotHeader {
  readonly schema: number;
  /** The caller's fingerprint and anything else it wants back (JSON). */
  readonly meta: unknown;
  readonly order: readonly string[];
  readonly typed: readonly { name: string; type: string; section: number }[];
  readonly values: readonly { name: string; tagged: boolean; section: number; columns?: readonly StringColumn[] }[];
  readonly sections: readonly Section[];
  /** Total file size in bytes. */
  readonly size: number;
  /** SHA-1 (hex) of all section bytes in order. */
  readonly checksum: string;
}

/**
 * A long-text property of a list of plain objects (an article's text), kept out of the JSON: JSON escapes
 * every line break and parses such text several times slower than a raw copy. The strings are stored one
 * after another, Latin-1 where they fit in it (one byte a character) and UTF-16 otherwise, both exact.
 */
interface StringColumn {
  readonly property: string;
  /** Section of the characters, and section of a Uint32Array of [byte length, 1 if UTF-16] per element. */
  readonly chars: number;
  readonly layout: number;
}

/** A string property is moved to a column when the list holds at least this many characters of it. */
const COLUMN_MIN_CHARS = 1 << 20;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

/** String properties of a list of plain objects worth a column: present as strings in every element. */
function columnsOf(value: unknown, minChars: number): string[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  const first = value[0] as unknown;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return [];
  return Object.keys(first).filter((k) => {
    let chars = 0;
    for (const e of value as Record<string, unknown>[]) {
      const v = e !== null && typeof e === 'object' ? e[k] : undefined;
      if (typeof v !== 'string') return false;
      chars += v.length;
    }
    return chars >= minChars;
  });
}

/** Random access to a snapshot's bytes; `read` returns a fresh array the caller may keep. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const pad = (n: number) => (ALIGN - (n % ALIGN)) % ALIGN;

/**
 * Serialise an index with `meta` in its header. Returns the file as chunks (to write with one writev) that
 * share memory with the index's typed arrays.
 */
export function encodeSnapshot(index: Index, meta: unknown, options: { readonly columnMinChars?: number } = {}): Uint8Array[] {
  const columnMinChars = options.columnMinChars ?? COLUMN_MIN_CHARS;
  const portable = toPortable(index);
  const bodies: Uint8Array[] = [];
  const typed: SnapshotHeader['typed'][number][] = [];
  const values: SnapshotHeader['values'][number][] = [];
  for (const [name, array] of Object.entries(portable.typed)) {
    typed.push({ name, type: typedArrayName(array), section: bodies.length });
    bodies.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  for (const [name, v] of Object.entries(portable.values) as [string, PortableValue][]) {
    const properties = v.tagged ? [] : columnsOf(v.value, columnMinChars);
    if (properties.length === 0) {
      values.push({ name, tagged: v.tagged, section: bodies.length });
      bodies.push(Buffer.from(JSON.stringify(v.value), 'utf8'));
      continue;
    }
    const list = v.value as Record<string, unknown>[];
    const columns: StringColumn[] = [];
    for (const property of properties) {
      const layout = new Uint32Array(list.length * 2);
      const parts = list.map((e, i) => {
        const text = e[property] as string;
        const wide = NOT_LATIN1.test(text);
        const bytes = Buffer.from(text, wide ? 'utf16le' : 'latin1');
        layout[2 * i] = bytes.length;
        layout[2 * i + 1] = wide ? 1 : 0;
        return bytes;
      });
      columns.push({ property, chars: bodies.length, layout: bodies.length + 1 });
      bodies.push(Buffer.concat(parts), new Uint8Array(layout.buffer));
    }
    // The column's place in each element keeps a 0, so decoded objects keep their property order.
    const rest = list.map((e) => {
      const copy = { ...e };
      for (const property of properties) copy[property] = 0;
      return copy;
    });
    values.push({ name, tagged: false, section: bodies.length, columns });
    bodies.push(Buffer.from(JSON.stringify(rest), 'utf8'));
  }
  const checksum = createHash('sha1');
  for (const b of bodies) checksum.update(b);
  const digest = checksum.digest('hex');

  // Section offsets depend on the header's length, which depends on the offsets: lay out with a guess, then
  // again until the header stops growing (it settles in a step or two, since offsets only ever grow).
  let headerBytes = Buffer.alloc(0);
  let sections: Section[] = [];
  let size = 0;
  for (let guess = 0; ; ) {
    let at = PREFIX + guess;
    at += pad(at);
    sections = bodies.map((b) => {
      const s = { offset: at, length: b.byteLength };
      at += b.byteLength + pad(b.byteLength);
      return s;
    });
    size = at;
    const header: SnapshotHeader = { schema: SNAPSHOT_SCHEMA, meta, order: portable.order, typed, values, sections, size, checksum: digest };
    headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    if (headerBytes.length <= guess) break;
    guess = headerBytes.length + 64;
  }
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(SNAPSHOT_SCHEMA, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  createHash('sha1').update(headerBytes).digest().copy(prefix, 16);

  const chunks: Uint8Array[] = [prefix, headerBytes];
  let at = PREFIX + headerBytes.length;
  const zeros = new Uint8Array(ALIGN);
  for (let i = 0; i < bodies.length; i++) {
    const gap = sections[i]!.offset - at;
    if (gap > 0) chunks.push(gap <= ALIGN ? zeros.subarray(0, gap) : new Uint8Array(gap));
    chunks.push(bodies[i]!);
    at = sections[i]!.offset + bodies[i]!.byteLength;
  }
  if (size > at) chunks.push(new Uint8Array(size - at));
  return chunks;
}

/** The header of a snapshot, checked for magic, schema, integrity and size. Reads only the first bytes. */
export function readSnapshotHeader(source: ByteSource): Result<SnapshotHeader> {
  if (source.size < PREFIX) return { ok: false, reason: `truncated: ${source.size} bytes is shorter than the header` };
  const prefix = Buffer.from(source.read(0, PREFIX));
  if (!prefix.subarray(0, 8).equals(MAGIC)) return { ok: false, reason: 'not a Verbatim index snapshot' };
  const schema = prefix.readUInt32LE(8);
  if (schema !== SNAPSHOT_SCHEMA) return { ok: false, reason: `snapshot schema ${schema}, this engine reads ${SNAPSHOT_SCHEMA}` };
  const length = prefix.readUInt32LE(12);
  if (PREFIX + length > source.size) return { ok: false, reason: `truncated: header needs ${PREFIX + length} bytes, the file has ${source.size}` };
  const bytes = source.read(PREFIX, length);
  if (!createHash('sha1').update(bytes).digest().equals(prefix.subarray(16, 36))) return { ok: false, reason: 'corrupt: header checksum mismatch' };
  let header: SnapshotHeader;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as SnapshotHeader;
  } catch (err) {
    return { ok: false, reason: `corrupt: header is not JSON (${(err as Error).message})` };
  }
  if (header.schema !== SNAPSHOT_SCHEMA) return { ok: false, reason: `snapshot schema ${header.schema}, this engine reads ${SNAPSHOT_SCHEMA}` };
  if (header.size !== source.size) {
    return { ok: false, reason: header.size > source.size ? `truncated: ${source.size} of ${header.size} bytes` : `corrupt: ${source.size} bytes, the header says ${header.size}` };
  }
  for (const s of header.sections) {
    if (!(Number.isInteger(s.offset) && Number.isInteger(s.length) && s.offset >= PREFIX + length && s.offset + s.length <= source.size)) {
      return { ok: false, reason: 'corrupt: a section lies outside the file' };
    }
  }
  return { ok: true, value: header };
}

/** The index a snapshot holds. Every byte is checksummed and the index's invariants are checked. */
export function decodeSnapshot(source: ByteSource, header: SnapshotHeader): Result<Index> {
  const checksum = createHash('sha1');
  const bodies = header.sections.map((s) => {
    const b = source.read(s.offset, s.length);
    checksum.update(b);
    return b;
  });
  if (checksum.digest('hex') !== header.checksum) return { ok: false, reason: 'corrupt: checksum mismatch' };
  try {
    const typed: Record<string, TypedArray> = {};
    for (const t of header.typed) {
      const b = bodies[t.section]!;
      typed[t.name] = makeTypedArray(t.type, b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
    }
    const values: Record<string, PortableValue> = {};
    for (const v of header.values) {
      const b = bodies[v.section]!;
      const value = JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')) as unknown;
      for (const c of v.columns ?? []) {
        const chars = bodies[c.chars]!;
        const l = bodies[c.layout]!;
        const layout = new Uint32Array(l.buffer, l.byteOffset, l.byteLength / 4);
        const list = value as Record<string, unknown>[];
        if (!Array.isArray(list) || layout.length !== 2 * list.length) throw new Error(`column ${c.property} of ${v.name} does not fit its list`);
        const text = Buffer.from(chars.buffer, chars.byteOffset, chars.byteLength);
        let at = 0;
        for (let i = 0; i < list.length; i++) {
          const end = at + layout[2 * i]!;
          if (end > text.length) throw new Error(`column ${c.property} of ${v.name} is short`);
          list[i]![c.property] = layout[2 * i + 1] === 1 ? text.toString('utf16le', at, end) : text.toString('latin1', at, end);
          at = end;
        }
        if (at !== text.length) throw new Error(`column ${c.property} of ${v.name} has trailing bytes`);
      }
      values[v.name] = { value, tagged: v.tagged };
    }
    const index = fromPortable({ typed, values, order: header.order });
    const problem = checkIndex(index);
    return problem === null ? { ok: true, value: index } : { ok: false, reason: `corrupt: ${problem}` };
  } catch (err) {
    return { ok: false, reason: `corrupt: ${(err as Error).message}` };
  }
}

/** A ByteSource over bytes in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.byteLength, read: (offset, length) => bytes.slice(offset, offset + length) };
}

/**
 * The structural invariants answer() relies on, so a snapshot that decodes into nonsense is rejected
 * instead of answering with wrong offsets. Returns the first violation, or null.
 */
export function checkIndex(index: Index): string | null {
  const n = index.sentenceStart.length;
  const perSentence = ['sentenceArticle', 'sentenceEnd', 'sentenceParagraph', 'sentenceNumber', 'sentenceLength', 'sentenceFlags'] as const;
  for (const f of perSentence) if (index[f]?.length !== n) return `${f} has ${index[f]?.length} entries for ${n} sentences`;
  const articles = index.articles.length;
  if (index.articleSentence.length !== articles + 1 || index.articleSentence[articles] !== n) return 'articleSentence does not cover the sentences';
  if (index.tokenOffset.length !== n + 1 || index.tokenOffset[n] !== index.tokenTerm.length) return 'tokenOffset does not cover the tokens';
  if (index.tokenPos.length !== index.tokenTerm.length) return 'tokenPos and tokenTerm differ in length';
  const terms = index.vocabulary.size;
  if (index.postingOffset.length !== terms + 1 || index.postingOffset[terms] !== index.postingSentence.length) return 'postingOffset does not cover the postings';
  if (index.postingTf.length !== index.postingSentence.length) return 'postingTf and postingSentence differ in length';
  if (index.titleOffset.length !== articles + 1 || index.titleOffset[articles] !== index.titleTerm.length) return 'titleOffset does not cover the title terms';
  for (let s = 0; s < n; s++) {
    const a = index.sentenceArticle[s]!;
    const text = index.articles[a]?.text;
    if (text === undefined || index.sentenceStart[s]! > index.sentenceEnd[s]! || index.sentenceEnd[s]! > text.length) return `sentence ${s} lies outside its article`;
  }
  for (let i = 0; i < index.tokenTerm.length; i++) if (index.tokenTerm[i]! >= terms) return `token ${i} names term ${index.tokenTerm[i]}, beyond the vocabulary`;
  for (let i = 0; i < index.postingSentence.length; i++) if (index.postingSentence[i]! >= n) return `posting ${i} names sentence ${index.postingSentence[i]}, beyond the index`;
  return null;
}
