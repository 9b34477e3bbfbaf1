import { LineCounter, isAlias, isMap, isPair, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { Problem } from './problems.js';
import { PositionFinder } from './positions.js';
import { yamlHint } from './hints.js';
import { errorMessage } from '../util/errors.js';

export interface ParsedYaml {
  doc: Document;
  where: PositionFinder;
  /** Syntax errors and warnings, each with its position and a hint. */
  syntax: Problem[];
  /** True when a syntax error (not only a warning) was found: the document cannot be trusted. */
  broken: boolean;
}

/**
 * Parses scenario YAML. The library's own duplicate-key check compares every key with every earlier one
 * (quadratic: minutes for a file of 30,000 keys), so it is off and done here with one set per mapping.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const where = new PositionFinder(doc, lines);
  // Warnings (an unknown tag…) count too: a benchmark must not run on a half-understood file.
  const syntax: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    ...where.at(e.pos[0]),
    message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
    hint: yamlHint(e.code),
  }));
  const duplicates = duplicateKeys(doc, file, where);
  return { doc, where, syntax: [...syntax, ...duplicates], broken: doc.errors.length + duplicates.length > 0 };
}

function duplicateKeys(doc: Document, file: string, where: PositionFinder): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (seen.has(key) && pair.key.range) {
          problems.push({ file, ...where.at(pair.key.range[0]), message: 'YAML: Map keys must be unique', hint: yamlHint('DUPLICATE_KEY') });
        }
        seen.add(key);
      }
    },
  });
  return problems;
}

// Where an alias went wrong: the first one whose anchor is not defined above it, else the first alias.
function aliasPosition(doc: Document, where: PositionFinder): { line: number; col: number } {
  const anchors = new Set<string>();
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      const at = node.range?.[0];
      first ??= at;
      if (!anchors.has(node.source) && unresolved === undefined) unresolved = at;
    } else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  const offset = unresolved ?? first;
  return offset === undefined ? { line: 1, col: 1 } : where.at(offset);
}

/**
 * The document as plain data. The library throws on unresolved aliases and on alias bombs
 * (a billion laughs); both become problems with a position, like any other mistake in the file.
 */
export function yamlToData(parsed: ParsedYaml, file: string): { data: unknown } | { problem: Problem } {
  try {
    return { data: parsed.doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    const message = errorMessage(error);
    const alias = /alias/i.test(message);
    return {
      problem: {
        file,
        ...(alias ? aliasPosition(parsed.doc, parsed.where) : { line: 1, col: 1 }),
        message: `YAML: ${message.split('\n')[0] ?? message}`,
        hint: alias
          ? /Unresolved/.test(message)
            ? 'define the anchor (&name) before using the alias (*name)'
            : 'aliases here expand to too much data; write the values out, or use fewer nested aliases'
          : 'check the YAML syntax around this point',
      },
    };
  }
}
