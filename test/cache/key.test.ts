// Cache keys: two questions share an entry only when the engine gives them deep-equal answers.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { answerKey, versionPrefix } from '../../src/cache/index.ts';
import { LAUSANNE, SEED_QUESTIONS, SEEDS } from './helpers.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.open({ corpusDir: SEEDS });
});

const V = 'd250b4b4d451714e9b28a0e93715ecaa';

describe('answerKey', () => {
  it('puts every key of a corpus version under that version’s prefix', () => {
    const k = answerKey(V, LAUSANNE);
    expect(k.id.startsWith(versionPrefix(V))).toBe(true);
    expect(k.id).toMatch(/^verbatim:answers:v1:d250b4b4d451714e9b28a0e93715ecaa:[0-9a-f]{40}$/);
    expect(answerKey('0'.repeat(32), LAUSANNE).id).not.toBe(k.id);
  });

  it('folds what the engine folds and keeps case', () => {
    const id = (q: string) => answerKey(V, q).id;
    expect(id(' Where   will the foreign\tministers meet? ')).toBe(id(LAUSANNE));
    expect(id('Where will the “foreign” ministers meet?')).toBe(id('Where will the "foreign" ministers meet?'));
    expect(id('where will the foreign ministers meet?')).not.toBe(id(LAUSANNE));
    expect(id('What did the US say?')).not.toBe(id('What did the us say?'));
  });

  it('tells option sets apart, "not given" included', () => {
    const ids = [
      answerKey(V, LAUSANNE),
      answerKey(V, LAUSANNE, { maxCitations: 3 }),
      answerKey(V, LAUSANNE, { maxCitations: Number.NaN }),
      answerKey(V, LAUSANNE, { articleId: '' }),
      answerKey(V, LAUSANNE, { articleId: '004_08d7a890f8e88d95' }),
      answerKey(V, LAUSANNE, { articleId: '004_08d7a890f8e88d95', maxCitations: 1 }),
    ].map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a corpus version that could break out of its prefix', () => {
    expect(() => versionPrefix('abc:*')).toThrow(/^cache: corpus version must be alphanumeric, got "abc:\*"$/);
  });

  it('never gives one key to two questions the engine answers differently (random respellings of the seed questions)', () => {
    // Respell a question the way people type: runs of spaces, tabs, no-break and zero-width spaces, full-width
    // letters, curly quotes, and case flips. Whenever two spellings share a key, their answers must be deep-equal.
    const SPACES = [' ', '  ', '\t', '\u00a0', ' \u200b', '\u3000'];
    const respell = fc
      .tuple(fc.constantFrom(...SEED_QUESTIONS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.nat()), { maxLength: 6 }))
      .map(([q, edits]) => {
        let chars = [...q];
        for (const [at, kind, pick] of edits) {
          const i = at % chars.length;
          const c = chars[i]!;
          if (kind === 0 && c === ' ') chars[i] = SPACES[pick % SPACES.length]!;
          else if (kind === 1 && /[A-Za-z]/.test(c)) chars[i] = String.fromCodePoint(c.codePointAt(0)! + 0xfee0); // full-width
          else if (kind === 2 && /[A-Za-z]/.test(c)) chars[i] = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
          else if (kind === 3) chars = [...chars.slice(0, i), SPACES[pick % SPACES.length]!, ...chars.slice(i)];
        }
        return { original: q, spelling: chars.join('') };
      });
    let shared = 0;
    let apart = 0;
    fc.assert(
      fc.property(respell, ({ original, spelling }) => {
        if (answerKey(V, original).id === answerKey(V, spelling).id) {
          shared++;
          expect(engine.answer(spelling)).toStrictEqual(engine.answer(original));
        } else {
          apart++;
        }
      }),
      { numRuns: 150, seed: 20261121 },
    );
    // Both branches ran: the property was not vacuous.
    expect(shared).toBeGreaterThan(20);
    expect(apart).toBeGreaterThan(20);
  });
});
