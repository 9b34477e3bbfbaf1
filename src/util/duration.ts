// Durations in scenario files may be written as "500ms", "5s", "2m" or a bare number of milliseconds.
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

// At most one decimal, none when whole; huge values as 2.8e296 rather than a wall of digits.
function amount(n: number): string {
  if (Math.abs(n) >= 1e15) return Number(n.toPrecision(3)).toExponential().replace('e+', 'e');
  const rounded = Math.round(n * 10) / 10;
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(rounded);
}

/** A duration as people write it in a scenario: 500ms, 1.5s, 2m, 24h. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 3_600_000) return `${amount(ms / 3_600_000)}h`;
  if (ms >= 60_000) return `${amount(ms / 60_000)}m`;
  if (ms >= 1000) return `${amount(ms / 1000)}s`;
  return `${amount(Math.round(ms))}ms`;
}
