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
