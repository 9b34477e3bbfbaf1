/**
 * Every hard limit of a scenario in one table: what a typo (an extra zero, a unit missing) can blow up.
 * The zod schema takes its bounds from here, so they reach the JSON Schema (`coldlab schema`), and the
 * docs/limits.md lists the same values.
 */
const HOUR_MS = 3_600_000;

export const LIMITS = {
  /** A scenario file is a page of YAML; anything bigger is a mistake (or an attack on the parser). */
  scenarioFileBytes: 256 * 1024,
  /** Problems listed in full; the rest are counted. */
  problemsShown: 20,
  /** Open-loop rate of one phase (constant, poisson, ramp ends), requests per second. */
  rate: 50_000,
  /** Requests one open-loop phase may schedule: the sender streams its plan, so this bounds the run (a day at ~1,160 req/s) and a Poisson plan's counting pass, not memory. */
  requestsPerPhase: 100_000_000,
  /** Arrivals one trace phase may replay (they are spread from per-minute counts and held in memory up front). */
  traceArrivals: 5_000_000,
  /** Requests in one burst. */
  burstSize: 10_000,
  /** Bursts in one burst phase. */
  burstCount: 100_000,
  /** Closed-loop connections of a saturate phase. */
  connections: 1_000,
  /** Length of one phase (and the gap between bursts). */
  phaseDurationMs: 24 * HOUR_MS,
  /** Phases in one scenario. */
  phases: 100,
  keepAliveMs: 24 * HOUR_MS,
  requestTimeoutMs: 10 * 60_000,
  memoryMbMin: 16,
  memoryMbMax: 65_536,
  /** provisionedConcurrency, maxInstances and instanceConcurrency. */
  instances: 1_000,
  repetitions: 100,
  /** Values in one matrix list. */
  matrixValues: 100,
  /** Variants × repetitions of one scenario: checked before anything starts (and before --dry-run lists them). */
  variantRuns: 1_000,
  /** The function's environment, keys and values together: well under what execve accepts (ARG_MAX, 128 KiB per string on Linux). */
  envBytes: 64 * 1024,
  /** Names (scenario, phases) and other short text. */
  nameLength: 200,
  cpuMbPerVcpuMax: 1_000_000,
  /** Threshold expressions of one scenario (all phases together), and the length of one. */
  thresholds: 100,
  thresholdLength: 200,
} as const;

/** Numbers as people write them: 86,400,000 rather than 8.64e7, 1e300 rather than 1e+300. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= (Number.isInteger(n) ? 1e21 : 1e15)) return Number(n.toPrecision(3)).toExponential().replace('e+', 'e');
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(n);
}
