// Weekly hours per employee as histogram bins of a round width, with nearest-rank p50 and p90
// (the percentile definition TaskStats uses for tasks per employee).
import type { Histogram } from "./protocol";

const TARGET_BINS = 24;

/** A round bin width (1, 2 or 5 times a power of ten) giving about TARGET_BINS bins up to `max`. */
export function binWidth(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / TARGET_BINS;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (raw <= step * power) return step * power;
  return 10 * power;
}

/** Nearest rank: the smallest value with at least q of the values at or below it. */
export function nearestRank(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export function histogram(hours: Float64Array): Histogram {
  const sorted = Float64Array.from(hours).sort();
  const max = sorted.length ? sorted[sorted.length - 1]! : 0;
  const width = binWidth(max);
  const count = Math.max(1, Math.floor(max / width) + 1);
  const counts = new Uint32Array(count);
  for (const h of sorted) counts[Math.min(count - 1, Math.floor(h / width))]! += 1;
  const bins = Array.from(counts, (employees, i) => ({ x0: i * width, x1: (i + 1) * width, employees }));
  return { bins, p50: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9), employees: sorted.length };
}
