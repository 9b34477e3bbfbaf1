/**
 * Most points one series of a time chart carries: about one per pixel of the 900-px plot. Vega's time and
 * the SVG's size grow with every point, and a day of seconds drawn one by one took half a minute.
 */
export const MAX_SERIES_POINTS = 1000;

/** Seconds per bucket for a timeline of `seconds`: 1 (every second drawn) up to MAX_SERIES_POINTS, else enough that two points a bucket fit in it. */
export function bucketSeconds(seconds: number): number {
  return seconds <= MAX_SERIES_POINTS ? 1 : Math.ceil(seconds / (MAX_SERIES_POINTS / 2));
}

/**
 * Min/max decimation: of every `width` consecutive items, the ones holding the lowest and the highest value,
 * in their order, so spikes and dips survive; an item without a value is kept once per bucket, so a line
 * still breaks where data is missing. Width 1 keeps every item.
 */
export function minMaxThin<T>(items: readonly T[], value: (item: T) => number | null | undefined, width: number): T[] {
  if (width <= 1) return [...items];
  const out: T[] = [];
  for (let from = 0; from < items.length; from += width) {
    const to = Math.min(items.length, from + width);
    let lo = -1;
    let hi = -1;
    let gap = -1;
    let loValue = Infinity;
    let hiValue = -Infinity;
    for (let i = from; i < to; i++) {
      const v = value(items[i]!);
      if (v === null || v === undefined) {
        if (gap < 0) gap = i;
        continue;
      }
      if (v < loValue) {
        lo = i;
        loValue = v;
      }
      if (v > hiValue) {
        hi = i;
        hiValue = v;
      }
    }
    for (const i of [...new Set([lo, hi, gap])].filter((i) => i >= 0).sort((a, b) => a - b)) out.push(items[i]!);
  }
  return out;
}

/** One bar over a bucket of seconds: [t, t2] with the quietest and the busiest second's value. */
export interface RangeBar {
  t: number;
  t2: number;
  lo: number;
  hi: number;
}

/**
 * Per-second values (second `firstSecond + i` holds values[i]) as bars of `width` seconds each, inset a little
 * so neighbouring bars stay apart; with width 1, lo = hi = the second's value.
 */
export function rangeBars(values: ArrayLike<number>, firstSecond: number, width: number): RangeBar[] {
  const bars: RangeBar[] = [];
  const inset = 0.08 * width;
  for (let from = 0; from < values.length; from += width) {
    const to = Math.min(values.length, from + width);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = values[i] ?? 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    bars.push({ t: firstSecond + from + inset, t2: firstSecond + from + width - inset, lo, hi });
  }
  return bars;
}

/** The caption's words for a thinned time chart: empty when every second is drawn. */
export function bucketWords(width: number): string {
  return width <= 1 ? '' : ` Each bar covers ${width} s and reaches the busiest second of the stretch (requests: solid up to its quietest second, light above); lines keep each stretch's lowest and highest second, so spikes stay visible.`;
}
