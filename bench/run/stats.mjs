// Order statistics for the launcher's whole-process timings (same rules as bench/engine/stats.ts).
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const h = s.length >> 1;
  const r = (x) => Math.round(x * 1000) / 1000;
  const median = s.length === 0 ? NaN : s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
  const p95 = s.length === 0 ? NaN : s[Math.min(s.length, Math.ceil(0.95 * s.length)) - 1];
  return { n: s.length, median: r(median), p95: r(p95), min: r(s[0] ?? NaN), max: r(s[s.length - 1] ?? NaN) };
}

/** Wall time of a synchronous step, in milliseconds. */
export function timeSync(fn) {
  const t = process.hrtime.bigint();
  const result = fn();
  return [result, Number(process.hrtime.bigint() - t) / 1e6];
}
