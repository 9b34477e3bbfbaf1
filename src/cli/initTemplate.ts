/** What `coldlab init` knows when it writes a starter scenario. */
export interface StarterInput {
  /** Scenario name (from the handler file's name). */
  name: string;
  /** Handler module, relative to the scenario file's folder. */
  path: string;
  handler: string;
  /** Runtimes doctor found usable here, in the order written. */
  runtimes: string[];
  /** Runtimes left out, with doctor's reason, shown as comments. */
  skipped: Array<{ runtime: string; reason: string }>;
  /** Usable but slow to start (microVMs): offered in a comment rather than run by default. */
  optional: string[];
  /** How the user names this file on the command line. */
  file: string;
  /** Where the JSON Schema is, for editor completion (relative to the scenario file), when known. */
  schema?: string;
}

/** The starter scenario: a memory sweep, a warm-pool variant, a keep-alive expiry and a gate block, every line commented. */
export function starterScenario(input: StarterInput): string {
  const optional = input.optional.map((r) => `#   ${r}: usable here too, but each cold start boots a guest; add it to the list to compare\n`).join('');
  const skipped = input.skipped.map((s) => `#   ${s.runtime}: not usable here (${s.reason.split('\n')[0]}); \`coldlab doctor\` says how to fix it\n`).join('');
  return `${input.schema ? `# yaml-language-server: $schema=${input.schema}\n` : ''}# A starter coldlab scenario, written by \`coldlab init\`. Edit freely; check it with
#   npx coldlab run ${input.file} --dry-run      (lists the variants, runs nothing)
# and run it with
#   npx coldlab run ${input.file}                (results.json + an HTML report under reports/)
name: ${input.name}
description: Cold and warm starts of ${input.path} across memory sizes, with and without a warm instance

function:
  path: ${input.path}    # your handler module, relative to this file
  handler: ${input.handler}              # the exported function: handler(event, context) → { statusCode, body }

# Runtimes \`coldlab doctor\` found usable on the machine that wrote this file.
runtimes: [${input.runtimes.join(', ')}]
${optional || skipped ? `# Left out:\n${optional}${skipped}` : ''}
# Every combination of the values below is one variant (here ${3 * 2 * input.runtimes.length}: runtimes × 3 memory sizes × 2 pool sizes).
matrix:
  memoryMb: [256, 512, 1024]     # memory sweep: cgroup memory limit; CPU share follows memory (1769 MB = 1 vCPU)
  provisionedConcurrency: [0, 1] # 1 = a warm-pool variant: one instance started before load, never reaped
  keepAliveMs: 2s                # idle instances are stopped after this (always write a unit: ms, s, m)
  maxInstances: 4

phases:
  - { name: first, kind: burst, size: 2, every: 1s, count: 1 }      # an empty platform: scale-out cold starts
  - { name: steady, kind: constant, rate: 10, duration: 5s }        # open-loop load at 10 req/s: warm requests
  - { name: quiet, kind: idle, duration: 3s }                       # longer than keep-alive: instances are reaped
  - { name: after-idle, kind: poisson, rate: 2, duration: 4s }      # sparse traffic: keep-alive-expired cold starts

repetitions: 1   # raise to 4+ when a baseline comparison (coldlab gate --baseline) must be significant

# The gate: \`coldlab run\` exits 99 when one fails (CI fails the job); \`coldlab gate results.json\` re-judges.
thresholds:
  - errorRate < 1%
  - cold.p99 < 5s                # cold requests: an instance start plus the first request
  - warm.p99 < 200ms
# or per phase (a map of phase name to list):  thresholds: { steady: [warm.p99 < 100ms] }
`;
}
