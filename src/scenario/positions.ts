import { isMap, isNode, isPair, isScalar, type Document, type LineCounter } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/** Maps a path inside the YAML document to a line and column; falls back to the nearest ancestor that exists. */
export class PositionFinder {
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
      for (const pair of map.items) {
        if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return this.at(pair.key.range[0]);
      }
    }
    return this.ofPath(path);
  }
}
