// Bytes to text. UTF-8 first; a file that is not valid UTF-8 is almost always a legacy Windows-1252 file
// (one of the BBC articles is), so decode it as that rather than produce U+FFFD mojibake.

export type Encoding = 'utf-8' | 'windows-1252';

export type Decoded =
  | { readonly kind: 'text'; readonly text: string; readonly encoding: Encoding }
  | { readonly kind: 'binary'; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Windows-1252 differs from Latin-1 only in 0x80-0x9F (WHATWG Encoding Standard, index-windows-1252).
// Node's TextDecoder('windows-1252') decodes that range as C1 control characters, which turns curly quotes
// and dashes into invisible garbage, so the table is applied here. 0 marks the five undefined bytes, which
// keep their Latin-1 code point as the standard says.
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const end = Math.min(bytes.length, i + CHUNK);
    const codes = new Array<number>(end - i);
    for (let j = i; j < end; j++) {
      const b = bytes[j] as number;
      codes[j - i] = b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] as number) || b : b;
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** Share of C0 control characters (other than tab, LF, CR, FF) above which a file is treated as binary. */
const MAX_CONTROL_SHARE = 0.01;

export function decode(bytes: Uint8Array): Decoded {
  // A byte-order mark of UTF-16 (or UTF-32, which starts the same): text, but its NULs would otherwise be
  // reported as a binary file's.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { kind: 'binary', reason: 'invalid encoding: UTF-16 or UTF-32 text (save it as UTF-8)' };
  }
  let controls = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0) return { kind: 'binary', reason: 'contains NUL bytes (binary file)' };
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) controls++;
  }
  if (bytes.length > 0 && controls / bytes.length > MAX_CONTROL_SHARE) {
    return { kind: 'binary', reason: 'too many control characters (binary file)' };
  }
  try {
    return { kind: 'text', text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { kind: 'text', text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

/** Bytes Windows-1252 leaves undefined: no Windows-1252 text contains them. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** The length of the well-formed UTF-8 sequence at `i` (RFC 3629's table), or 0 when there is none. */
function utf8SequenceAt(bytes: Uint8Array, i: number): number {
  const b = bytes[i] as number;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < bytes.length && (bytes[i + k] as number) >= lo && (bytes[i + k] as number) <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Why text bytes (decode() took them for text) are in an encoding the corpus cannot read faithfully, or null
 * when decode() reads them as written: UTF-8 with damaged bytes (mostly well-formed UTF-8, so
 * the Windows-1252 fallback would turn every accent into mojibake); or neither UTF-8 nor Windows-1252 (a byte
 * Windows-1252 leaves undefined, as Shift-JIS or GBK text has). A file of other legacy encodings that avoids
 * those five bytes cannot be told from Windows-1252 and is read as that.
 */
export function encodingProblem(bytes: Uint8Array): string | null {
  let multibyte = 0;
  let invalid = 0;
  let firstInvalid = -1;
  let undefinedAt = -1;
  for (let i = 0; i < bytes.length; ) {
    const n = utf8SequenceAt(bytes, i);
    if (n === 0) {
      invalid++;
      if (firstInvalid === -1) firstInvalid = i;
      if (undefinedAt === -1 && CP1252_UNDEFINED.has(bytes[i] as number)) undefinedAt = i;
      i++;
      continue;
    }
    if (n > 1) multibyte++;
    i += n;
  }
  if (invalid === 0) return null;
  if (multibyte >= 2 && multibyte >= invalid) {
    return `invalid encoding: damaged UTF-8 (byte ${hex(bytes[firstInvalid] as number)} at offset ${firstInvalid} is not UTF-8, though the rest of the file is)`;
  }
  if (undefinedAt !== -1) return `invalid encoding: neither UTF-8 nor Windows-1252 (byte ${hex(bytes[undefinedAt] as number)} at offset ${undefinedAt})`;
  return null;
}
