import type { RunResult, VariantResult } from './model.js';
import { hostOf, variantHostClass } from './hosts.js';

const sameHost = (a: RunResult, b: RunResult): boolean =>
  JSON.stringify([a.host, a.runtimes ?? {}]) === JSON.stringify([b.host, b.runtimes ?? {}]);

/** The shards' variants; when the shards did not all run on one host, each variant carries the host it ran on. */
export function stampHosts(results: readonly RunResult[]): VariantResult[] {
  const first = results[0];
  if (first === undefined || results.every((r) => sameHost(r, first))) return results.flatMap((r) => r.variants);
  return results.flatMap((r) => r.variants.map((v) => ({ ...v, host: hostOf(r, v) })));
}

/**
 * Repetitions of one variant measured on hosts of different classes are not pooled: each host's
 * repetitions become a variant of their own (key `<key>@<host>`), with a note saying why, unless the
 * caller allowed mixed hosts (`--allow-mixed-hosts`), which keeps the key and says it was pooled.
 */
export function separateHosts(variants: VariantResult[], allowMixed: boolean): VariantResult[] {
  const classesOfKey = new Map<string, Set<string>>();
  for (const v of variants) {
    if (!v.host) continue;
    const set = classesOfKey.get(v.variant.key) ?? new Set<string>();
    set.add(variantHostClass(v.host));
    classesOfKey.set(v.variant.key, set);
  }
  return variants.map((v) => {
    const classes = classesOfKey.get(v.variant.key);
    if (!v.host || !classes || classes.size < 2) return v;
    if (allowMixed) {
      return { ...v, notes: [...v.notes, `repetitions of this variant ran on ${classes.size} host classes and are pooled (--allow-mixed-hosts): its percentiles mix hosts`] };
    }
    const ordinal = [...classes].indexOf(variantHostClass(v.host)) + 1;
    const key = `${v.variant.key}@${hostLabel(v.host.hostname)}-${ordinal}`;
    const note = `repetitions of ${v.variant.key} ran on ${classes.size} host classes; this host's (${v.host.hostname}) are kept apart as ${key}, never pooled with the others (--allow-mixed-hosts would pool them)`;
    return { ...v, variant: { ...v.variant, key, id: `${key}#${v.variant.repetition}` }, notes: [...v.notes, note] };
  });
}

// Keys go into file names and tables: keep the host part short and plain.
const hostLabel = (hostname: string): string => hostname.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40) || 'host';
