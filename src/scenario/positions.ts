import { isMap, isNode, isPair, isScalar, type Document, type LineCounter } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/** Maps a path inside the YAML document to a line and column; falls back to the nearest ancestor that exists. */
export class PositionFinder {
  // Key offsets per mapping, built on first use: a file with tens of thousands of unknown keys stays linear.
  private readonly keyIndex = new WeakMap<object, Map<string, number>>();

  constructor(private readonly doc: Document, private readonly lines: LineCounter) {}

  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** Position of the value at `path` (or of its nearest existing ancestor) and whether it was found exactly. */
  ofPath(path: readonly PropertyKey[]): Position & { exact: boolean } {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth) as (string | number)[], true);
      if (isNode(node) && node.range) return { ...this.at(node.range[0]), exact: depth === path.length };
    }
    return { line: 1, col: 1, exact: false };
  }

  /** Position of the key `key` inside the mapping at `path`: where an unknown key was written. */
  ofKey(path: readonly PropertyKey[], key: string): Position {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path as (string | number)[], true);
    if (isMap(map)) {
      let index = this.keyIndex.get(map);
      if (!index) {
        index = new Map();
        for (const pair of map.items) {
          if (isPair(pair) && isScalar(pair.key) && pair.key.range && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair.key.range[0]);
        }
        this.keyIndex.set(map, index);
      }
      const offset = index.get(key);
      if (offset !== undefined) return this.at(offset);
    }
    return this.ofPath(path);
  }
}
