import { SCHEMA_VERSION } from './model.js';

/** The oldest results schema this coldlab still reads. */
export const OLDEST_READABLE_VERSION = 1;

/**
 * Brings an older results file up to the current model. Version 1 lacks only optional parts (the arrival
 * log, prices, advice settings), so it reads as is: the keep-alive what-if says it has no arrivals to
 * replay, and prices fall back to the defaults.
 */
export function upgradeResults(parsed: Record<string, unknown>, version: number): Record<string, unknown> {
  if (version === SCHEMA_VERSION) return parsed;
  // Version 1 → 2: nothing to rewrite; the version is kept so reports can say what the file was.
  return { ...parsed, schemaVersion: SCHEMA_VERSION, upgradedFrom: version };
}
