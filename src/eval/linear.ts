// Small linear learners for the weights in src/answer/weights.json: listwise softmax ranking (ListNet's top-one
// probability with a linear scorer) and plain L2-regularised logistic regression. Full-batch gradient descent
// with Adam (Kingma & Ba, 2015); the problems are tiny (tens of features, ~10^5 examples).

export interface RankGroup {
  /** Feature vectors of the items to rank for one query. */
  readonly features: readonly Float64Array[];
  /** Relevance: 1 for a right item, 0 for a wrong one. */
  readonly labels: readonly number[];
}

function adam(dim: number, steps: number, gradient: (w: Float64Array, g: Float64Array) => void, rate = 0.05): Float64Array {
  const w = new Float64Array(dim);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const g = new Float64Array(dim);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= steps; t++) {
    g.fill(0);
    gradient(w, g);
    for (let i = 0; i < dim; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const mh = m[i]! / (1 - b1 ** t);
      const vh = v[i]! / (1 - b2 ** t);
      w[i]! -= (rate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return w;
}

const dot = (w: Float64Array, x: Float64Array) => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]! * x[i]!;
  return s;
};

/**
 * Listwise softmax ranking (ListNet's top-one probability, Cao et al. 2007): maximise the probability mass
 * the softmax over each group's scores puts on its right items. It targets the first place directly, which
 * is what a cited answer needs. Feature 0 (bias) cancels in a softmax and is left at 0.
 */
export function trainListwise(groups: readonly RankGroup[], dim: number, l2 = 1e-4, steps = 500, rate = 0.05): Float64Array {
  const usable = groups.filter((g) => g.labels.some((l) => l > 0) && g.labels.some((l) => l === 0));
  return adam(
    dim,
    steps,
    (w, grad) => {
      for (const g of usable) {
        const scores = g.features.map((f) => dot(w, f));
        const max = Math.max(...scores);
        const e = scores.map((x) => Math.exp(x - max));
        const z = e.reduce((a, b) => a + b, 0);
        const zPos = e.reduce((a, b, i) => a + (g.labels[i]! > 0 ? b : 0), 0);
        // d/dw [log z - log zPos] = E_all[f] - E_pos[f]
        for (let i = 0; i < e.length; i++) {
          const f = g.features[i]!;
          const c = e[i]! / z - (g.labels[i]! > 0 ? e[i]! / zPos : 0);
          for (let k = 1; k < dim; k++) grad[k]! += c * f[k]!;
        }
      }
      for (let k = 0; k < dim; k++) grad[k] = grad[k]! / Math.max(1, usable.length) + l2 * w[k]!;
      grad[0] = 0;
    },
    rate,
  );
}

/** L2-regularised logistic regression; returns weights with feature 0 as the bias. */
export function trainLogistic(x: readonly Float64Array[], y: readonly number[], dim: number, l2 = 1e-3, steps = 400, classWeight = 1): Float64Array {
  return adam(dim, steps, (w, grad) => {
    let total = 0;
    for (let n = 0; n < x.length; n++) {
      const f = x[n]!;
      const p = 1 / (1 + Math.exp(-dot(w, f)));
      const weight = y[n]! > 0 ? classWeight : 1;
      const err = (p - y[n]!) * weight;
      for (let k = 0; k < dim; k++) grad[k]! += err * f[k]!;
      total += weight;
    }
    for (let k = 0; k < dim; k++) grad[k] = grad[k]! / Math.max(1, total) + (k === 0 ? 0 : l2 * w[k]!);
  });
}

export function logisticScore(w: ArrayLike<number>, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (w[i] as number) * x[i]!;
  return 1 / (1 + Math.exp(-s));
}

/** One query's candidates as compressed rows of binary feature ids, with a target distribution. */
export interface SparseGroup {
  /** Features of candidate c: featureIds[rowStart[c] .. rowStart[c+1]). */
  readonly rowStart: Uint32Array;
  readonly featureIds: Uint32Array;
  /** Target probability of each candidate (sums to 1). */
  readonly target: Float64Array;
}

export interface SparseOptions {
  readonly epochs?: number;
  readonly rate?: number;
  readonly l2?: number;
  /** Seed of the order in which groups are visited. */
  readonly seed?: number;
}

/**
 * Listwise softmax ranking (as trainListwise) over sparse binary features, for models with tens of
 * thousands of weights where full-batch gradients are too slow: one AdaGrad step (Duchi et al., 2011) per
 * group, L2 applied to the weights a group touches, and the average of the iterates returned (Polyak
 * averaging, which steadies the last epoch's noise).
 */
export function trainSparseListwise(groups: readonly SparseGroup[], dim: number, options: SparseOptions = {}): Float64Array {
  const { epochs = 8, rate = 0.1, l2 = 1e-6, seed = 1 } = options;
  const w = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  const grad = new Float64Array(dim);
  // Averaging with lazy updates: avg = w - u / t, where u accumulates step-weighted changes.
  const u = new Float64Array(dim);
  const touched = new Int32Array(dim).fill(-1);
  const order = groups.map((_, i) => i);
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  let step = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const gi of order) {
      const g = groups[gi]!;
      const count = g.target.length;
      if (count < 2) continue;
      const scores = new Float64Array(count);
      let max = -Infinity;
      for (let c = 0; c < count; c++) {
        let s = 0;
        for (let k = g.rowStart[c]!; k < g.rowStart[c + 1]!; k++) s += w[g.featureIds[k]!]!;
        scores[c] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let c = 0; c < count; c++) z += (scores[c] = Math.exp(scores[c]! - max));
      const list: number[] = [];
      for (let c = 0; c < count; c++) {
        const d = scores[c]! / z - g.target[c]!;
        if (d === 0) continue;
        for (let k = g.rowStart[c]!; k < g.rowStart[c + 1]!; k++) {
          const f = g.featureIds[k]!;
          if (touched[f] !== gi + epoch * groups.length) {
            touched[f] = gi + epoch * groups.length;
            grad[f] = 0;
            list.push(f);
          }
          grad[f]! += d;
        }
      }
      for (const f of list) {
        const gf = grad[f]! + l2 * w[f]!;
        sumSq[f]! += gf * gf;
        const delta = (rate * gf) / (Math.sqrt(sumSq[f]!) + 1e-8);
        w[f]! -= delta;
        u[f]! -= step * delta;
      }
      step++;
    }
  }
  const avg = new Float64Array(dim);
  for (let f = 0; f < dim; f++) avg[f] = w[f]! - u[f]! / step;
  return avg;
}
