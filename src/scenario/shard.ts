import { ColdlabError, EXIT } from '../util/errors.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** Reads `--shard i/n` (1 ≤ i ≤ n ≤ 1000). */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count || count > 1000) {
    throw new ColdlabError('SHARD_INVALID', `--shard "${text}" is not a shard`, 'write i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 for the second of four', EXIT.usage);
  }
  return { index, count };
}

/**
 * The stable assignment: the expanded list (all cells of repetition 1, then of repetition 2…) is cut
 * into n contiguous blocks whose sizes differ by at most one; shard i runs block i. The same scenario
 * and n always give the same blocks, on any machine, and the blocks together are the whole list.
 */
export function shardOf<T>(items: readonly T[], shard: ShardSpec): T[] {
  const start = Math.floor(((shard.index - 1) * items.length) / shard.count);
  const end = Math.floor((shard.index * items.length) / shard.count);
  return items.slice(start, end);
}
