// Small statistics for the one line of figures each check prints.

/** p50, p99 and max of a list of milliseconds, rounded, as text. */
export function summary(times) {
  if (times.length === 0) return 'no responses';
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`;
}

/** Counts of each value, as `key×n` text, most frequent first. */
export function counts(values) {
  const map = new Map();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return [...map.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(' ');
}
