import { SCHEMA_VERSION, type HistogramData, type InstanceRecord, type LatencySet, type PhaseResult, type RunResult, type SendLag, type VariantResult } from './model.js';
import { mergeData } from './histogram.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { crossHostPairs, describeCrossHost } from './hosts.js';
import { mergeEvents } from './mergeEvents.js';

/**
 * Combines runs of one scenario (or the repetitions inside one run) so percentiles come from all samples.
 *
 * Rules, decided once so every reader can rely on them:
 * - every input must name the same scenario (else a usage error, exit 2);
 * - variants with the same `variant.key` become one, in order of first appearance; the first one's
 *   `variant` (with its id and repetition) is kept;
 * - phases are matched by name; histograms are added bucket by bucket (never averaged); counts, errors
 *   and cold starts are summed; the achieved rate is weighted by phase duration (total sent / total time);
 *   send lag keeps the worst input (lag percentiles have no histogram to add), max and `growing` from all;
 * - status: the worst wins — failed (first error) over invalid (every reason, deduplicated) over completed,
 *   so a merge never reports as clean what one input could not vouch for;
 * - event figures (results/mergeEvents.ts) are added as phases are; the sandbox facts are the first input's;
 * - instances are concatenated (ids made unique with the input's number when they collide); the timeline
 *   is the first input's; durationMs is the total measured time; notes are deduplicated;
 * - runId is `merged-<ids>` whenever anything was combined (the input's own id when nothing was);
 * - the run is complete only if every input was; host is the first input's, with a note on each variant
 *   when hosts differ.
 */
export function mergeResults(results: RunResult[], options: { allowMixedHosts?: boolean } = {}): RunResult {
  const first = results[0];
  if (first === undefined) throw new ColdlabError('MERGE_EMPTY', 'nothing to merge', 'pass at least one results.json', EXIT.usage);
  const other = results.find((r) => r.scenario.name !== first.scenario.name);
  if (other) {
    throw new ColdlabError(
      'MERGE_SCENARIOS_DIFFER',
      `cannot merge results of different scenarios: "${first.scenario.name}" (${first.runId}) and "${other.scenario.name}" (${other.runId})`,
      'merge only runs of one scenario; to compare different scenarios, write one report per run with `coldlab report <results.json>` and read them side by side',
      EXIT.usage,
    );
  }
  refuseOverlap(results);
  if (!options.allowMixedHosts) refuseMixedHosts(results);
  const groups = new Map<string, Array<{ v: VariantResult; source: number }>>();
  results.forEach((r, source) => {
    for (const v of r.variants) {
      const group = groups.get(v.variant.key) ?? [];
      group.push({ v, source });
      groups.set(v.variant.key, group);
    }
  });
  const hostNote = hostsDiffer(results) ? [`merged results come from different hosts; the host shown is ${first.host.hostname}'s`] : [];
  const finished = results.map((r) => r.finishedAt).filter((f): f is string => f !== undefined);
  const merged: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: first.tool,
    runId: mergedRunId(results, groups),
    scenario: first.scenario,
    startedAt: earliest(results.map((r) => r.startedAt)),
    complete: results.every((r) => r.complete),
    host: first.host,
    ...(first.prices ? { prices: first.prices } : {}),
    ...(first.advice ? { advice: first.advice } : {}),
    variants: [...groups.values()].map((group) => mergeVariants(group, hostNote)),
  };
  if (results.length > 1) merged.sources = results.flatMap(sourcesOf);
  // A merged run has finished only when every input had; the last of them is when.
  const last = finished.sort().at(-1);
  if (finished.length === results.length && last !== undefined) merged.finishedAt = last;
  return merged;
}

const sourcesOf = (r: RunResult): string[] => r.sources ?? [r.runId];

// One run counted twice (the same file given twice, a copy of it, a merge that already holds it) would double its counts.
function refuseOverlap(results: RunResult[]): void {
  const seen = new Map<string, number>();
  results.forEach((r, index) => {
    for (const source of sourcesOf(r)) {
      const earlier = seen.get(source);
      if (earlier !== undefined) {
        throw new ColdlabError(
          'MERGE_SAME_RUN',
          `inputs ${earlier + 1} and ${index + 1} both hold run ${source}: merging them would count its requests twice`,
          'pass each run once (a merged file already holds the runs it was made from)',
          EXIT.usage,
        );
      }
      seen.set(source, index);
    }
  });
}

// Untouched input keeps its id; anything combined is named merged-… (a long list of inputs is shortened so the id stays readable).
function mergedRunId(results: RunResult[], groups: Map<string, unknown[]>): string {
  const first = results[0]!;
  const combined = results.length > 1 || [...groups.values()].some((g) => g.length > 1);
  if (!combined) return first.runId;
  const ids = results.map((r) => r.runId.replace(/^merged-/, ''));
  const shown = ids.length <= 3 ? ids.join('+') : `${ids[0]}+${ids.length - 1}-more`;
  return `merged-${shown}`;
}

// Pooling repetitions from hosts of different classes would blend two machines into one histogram.
function refuseMixedHosts(results: RunResult[]): void {
  const first = results[0]!;
  for (const other of results.slice(1)) {
    const pairs = crossHostPairs(first, other);
    if (pairs.length === 0) continue;
    throw new ColdlabError(
      'MERGE_MIXED_HOSTS',
      `${first.runId} and ${other.runId} ran on hosts of different classes; merging would pool their repetitions:\n${describeCrossHost(pairs)}`,
      'merge runs of one host class, or pass --allow-mixed-hosts to pool them anyway (each variant then notes it)',
      EXIT.usage,
    );
  }
}

function hostsDiffer(results: RunResult[]): boolean {
  const fingerprint = (r: RunResult): string => JSON.stringify(r.host, Object.keys(r.host).sort());
  return new Set(results.map(fingerprint)).size > 1;
}

// ISO-8601 UTC strings sort as time; no Date parsing needed.
function earliest(times: string[]): string {
  return [...times].sort()[0] ?? '';
}

function mergeVariants(group: Array<{ v: VariantResult; source: number }>, extraNotes: string[]): VariantResult {
  const head = group[0]!.v;
  if (group.length === 1 && extraNotes.length === 0) return head;
  const items = group.map((g) => g.v);
  const notes = dedupe([...items.flatMap((v) => v.notes), ...extraNotes, ...(items.length > 1 ? [`merged from ${items.length} runs: ${items.map((v) => v.variant.id).join(', ')}`] : [])]);
  const events = mergeEvents(items.map((v) => v.events));
  const base = {
    variant: head.variant,
    startedAt: earliest(items.map((v) => v.startedAt)),
    durationMs: items.reduce((sum, v) => sum + v.durationMs, 0),
    phases: mergePhaseLists(items.map((v) => v.phases)),
    instances: uniqueInstances(group),
    timeline: head.timeline,
    limitsEnforced: items.every((v) => v.limitsEnforced),
    notes,
    // One variant key is one sandbox; the event figures add up as the phases' do.
    ...(head.sandbox ? { sandbox: head.sandbox } : {}),
    ...(events ? { events } : {}),
  };
  const failed = items.find((v): v is Extract<VariantResult, { status: 'failed' }> => v.status === 'failed');
  if (failed) return { ...base, status: 'failed', error: failed.error };
  const reasons = dedupe(items.flatMap((v) => (v.status === 'invalid' ? v.invalidReasons : [])));
  if (items.some((v) => v.status === 'invalid')) return { ...base, status: 'invalid', invalidReasons: reasons };
  return { ...base, status: 'completed' };
}

function uniqueInstances(group: Array<{ v: VariantResult; source: number }>): InstanceRecord[] {
  const seen = new Set<string>();
  const out: InstanceRecord[] = [];
  for (const { v, source } of group) {
    for (const instance of v.instances) {
      const id = seen.has(instance.id) ? `${instance.id}@${source + 1}` : instance.id;
      seen.add(id);
      out.push(id === instance.id ? instance : { ...instance, id });
    }
  }
  return out;
}

function mergePhaseLists(lists: PhaseResult[][]): PhaseResult[] {
  const byName = new Map<string, PhaseResult[]>();
  for (const list of lists) for (const p of list) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return [...byName.values()].map(mergePhases);
}

function mergePhases(phases: PhaseResult[]): PhaseResult {
  const head = phases[0]!;
  if (phases.length === 1) return head;
  const totalMs = phases.reduce((sum, p) => sum + p.durationMs, 0);
  const latency: PhaseResult['latency'] = {};
  for (const kind of ['all', 'cold', 'warm'] as const) {
    const set = mergeLatency(phases.map((p) => p.latency[kind]));
    if (set) latency[kind] = set;
  }
  const invalidReasons = dedupe(phases.flatMap((p) => p.invalidReasons));
  const merged: PhaseResult = {
    name: head.name,
    kind: head.kind,
    loop: head.loop,
    startMs: head.startMs,
    durationMs: head.durationMs,
    achievedRate: totalMs > 0 ? phases.reduce((sum, p) => sum + p.achievedRate * p.durationMs, 0) / totalMs : head.achievedRate,
    sent: sum(phases.map((p) => p.sent)),
    ok: sum(phases.map((p) => p.ok)),
    errors: addCounts(phases.map((p) => p.errors)),
    latency,
    coldStarts: {
      'scale-out': sum(phases.map((p) => p.coldStarts['scale-out'])),
      'keepalive-expired': sum(phases.map((p) => p.coldStarts['keepalive-expired'])),
    },
    valid: phases.every((p) => p.valid) && invalidReasons.length === 0,
    invalidReasons,
  };
  if (head.targetRate !== undefined) merged.targetRate = head.targetRate;
  if (phases.every((p) => p.scheduled !== undefined)) merged.scheduled = sum(phases.map((p) => p.scheduled ?? 0));
  const lag = worstLag(phases.map((p) => p.sendLag));
  if (lag) merged.sendLag = lag;
  const coldInit = mergeOptional(phases.map((p) => p.coldInit));
  if (coldInit) merged.coldInit = coldInit;
  const queueWait = mergeOptional(phases.map((p) => p.queueWait));
  if (queueWait) merged.queueWait = queueWait;
  const serviceWarm = mergeOptional(phases.map((p) => p.service?.warm));
  const serviceCold = mergeOptional(phases.map((p) => p.service?.cold));
  if (serviceWarm || serviceCold) merged.service = { ...(serviceWarm ? { warm: serviceWarm } : {}), ...(serviceCold ? { cold: serviceCold } : {}) };
  return merged;
}

function mergeLatency(sets: Array<LatencySet | undefined>): LatencySet | undefined {
  const present = sets.filter((s): s is LatencySet => s !== undefined);
  if (present.length === 0) return undefined;
  return { corrected: mergeData(present.map((s) => s.corrected)), uncorrected: mergeData(present.map((s) => s.uncorrected)) };
}

function mergeOptional(items: Array<HistogramData | undefined>): HistogramData | undefined {
  const present = items.filter((h): h is HistogramData => h !== undefined);
  return present.length > 0 ? mergeData(present) : undefined;
}

// Lag percentiles travel without a histogram, so the honest combination is the worst input, not a mean.
function worstLag(lags: Array<SendLag | undefined>): SendLag | undefined {
  const present = lags.filter((l): l is SendLag => l !== undefined);
  const worst = [...present].sort((a, b) => b.p99Us - a.p99Us)[0];
  if (!worst) return undefined;
  return { ...worst, maxUs: Math.max(...present.map((l) => l.maxUs)), growing: present.some((l) => l.growing) };
}

function addCounts(records: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const record of records) for (const [k, n] of Object.entries(record)) out[k] = (out[k] ?? 0) + n;
  return out;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const dedupe = (values: string[]): string[] => [...new Set(values)];
