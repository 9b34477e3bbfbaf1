import { extname } from 'node:path';
import type { Scenario } from './schema.js';
import { many } from './matrix.js';
import type { Problem } from './problems.js';
import type { PositionFinder } from './positions.js';

const WASM_FILES = ['.wasm', '.wat', '.c'];

// The wasm runtime runs function.wasm and nothing else; the other runtimes cannot run a Wasm module.
export function wasmProblems(scenario: Scenario, { file, where, wasmExists }: { file: string; where: PositionFinder; wasmExists: boolean }): Problem[] {
  const problems: Problem[] = [];
  const runtimes = many(scenario.runtimes);
  const { wasm, path, image } = scenario.function;
  const at = (path: (string | number)[]) => ({ file, ...where.ofPath(path) });
  if (runtimes.includes('wasm') && wasm === undefined) {
    problems.push({ ...at(['function']), message: 'the wasm runtime needs "wasm" in function', hint: 'add "wasm:" (a WAGI module .wasm, or its .wat/.c source, relative to the scenario file); fixtures/wasm/ holds examples' });
  }
  if (wasm !== undefined && !WASM_FILES.includes(extname(wasm))) {
    problems.push({ ...at(['function', 'wasm']), message: `function.wasm "${wasm}" is neither a module (.wasm) nor a source coldlab builds (.wat, .c)`, hint: 'name the .wasm file, or its .wat or .c source' });
  } else if (wasm !== undefined && !wasmExists) {
    problems.push({ ...at(['function', 'wasm']), message: `Wasm module "${wasm}" does not exist`, hint: 'the path is relative to the scenario file\'s folder; build the fixtures with npm run build:wasm, or name a .wat/.c source' });
  }
  const others = runtimes.filter((r) => r !== 'wasm');
  if (wasm !== undefined && path === undefined && image === undefined && others.length > 0) {
    problems.push({ ...at(['function']), message: `runtime ${others.join(', ')} cannot run a Wasm module; only the wasm runtime can`, hint: 'add "path:" (the same work as a handler module) beside "wasm:", or set runtimes: wasm' });
  }
  return problems;
}
