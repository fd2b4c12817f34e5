// Deterministic pseudo-random numbers for generated streams (the demo, the
// benchmarks): the same seed gives the same data byte for byte, so runs
// compare like with like. mulberry32: tiny and fast; never for secrets.

/** A generator of uniform numbers in [0, 1) seeded by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
