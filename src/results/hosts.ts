import type { HostInfo, RunResult, VariantResult } from './model.js';

/**
 * Which figures may be pooled or compared: two hosts are of one class when their hardware and system
 * match (CPU model, cores, memory, kernel, cgroup version, Node) and so do the engines a variant used.
 * The host name is left out on purpose: two identical nodes of a cluster are one class.
 */
export function hostClass(host: HostInfo): string {
  const gib = Math.round(host.memoryBytes / 2 ** 30);
  const cgroup = host.cgroupVersion === null ? 'no cgroup' : `cgroup v${host.cgroupVersion}`;
  return [cpuName(host.cpuModel), `${host.cores} cores`, `${gib} GiB`, `kernel ${host.kernel}`, cgroup, `node ${host.node}`].join(' · ');
}

// systeminformation says "Intel Xeon® Processor" where node:os says "Intel(R) Xeon(R) Processor" (its fallback): one CPU.
export function cpuName(model: string): string {
  return model.replace(/\((R|TM)\)|®|™/gi, '').replace(/\s+/g, ' ').trim();
}

/** The host a variant ran on: its own stamp (set by a merge of shards from several hosts), else the run's, with the engine facts of its runtime. */
export function hostOf(result: RunResult, v: VariantResult): HostInfo {
  if (v.host) return v.host;
  const facts = result.runtimes?.[v.variant.runtime];
  return facts && Object.keys(facts).length > 0 ? { ...result.host, engines: prefixed(v.variant.runtime, facts) } : result.host;
}

const prefixed = (runtime: string, facts: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(facts).map(([k, value]) => [`${runtime}.${k}`, value]));

/** Class plus engine versions: the key under which a variant's repetitions may be pooled. */
export function variantHostClass(host: HostInfo): string {
  const engines = Object.entries(host.engines ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return [hostClass(host), ...engines.map(([k, v]) => `${k} ${v}`)].join(' · ');
}

/** The distinct host classes of a run's variants (engines aside: runtimes differ in them by design), each with one host name that had it. */
export function hostClassesOf(result: RunResult): Map<string, string> {
  const classes = new Map<string, string>();
  for (const v of result.variants) {
    const host = hostOf(result, v);
    const key = hostClass(host);
    if (!classes.has(key)) classes.set(key, host.hostname);
  }
  return classes;
}

export interface CrossHost {
  variantKey: string;
  baseline: string;
  candidate: string;
}

/** Variants two runs share whose hosts are of different classes: a comparison of them would measure the hosts too. */
export function crossHostPairs(a: RunResult, b: RunResult): CrossHost[] {
  const classOfA = new Map(a.variants.map((v) => [v.variant.key, variantHostClass(hostOf(a, v))]));
  const pairs = new Map<string, CrossHost>();
  for (const v of b.variants) {
    const baseline = classOfA.get(v.variant.key);
    const candidate = variantHostClass(hostOf(b, v));
    if (baseline !== undefined && baseline !== candidate) pairs.set(v.variant.key, { variantKey: v.variant.key, baseline, candidate });
  }
  // Runs with no variant key in common (two scenarios) still cross hosts when their run hosts differ.
  if (pairs.size === 0 && classOfA.size > 0 && !b.variants.some((v) => classOfA.has(v.variant.key))) {
    const [ha, hb] = [variantHostClass(a.host), variantHostClass(b.host)];
    if (ha !== hb) pairs.set('(whole run)', { variantKey: '(whole run)', baseline: ha, candidate: hb });
  }
  return [...pairs.values()];
}

/** One line per crossing, for warnings and refusals. */
export function describeCrossHost(pairs: readonly CrossHost[], shown = 3): string {
  const lines = pairs.slice(0, shown).map((p) => `  ${p.variantKey}: ${p.baseline}  vs  ${p.candidate}`);
  if (pairs.length > shown) lines.push(`  … and ${pairs.length - shown} more`);
  return lines.join('\n');
}
