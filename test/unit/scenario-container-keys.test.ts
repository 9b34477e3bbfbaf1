import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { parseScenarioText } from '../../src/scenario/load.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import type { Problem } from '../../src/scenario/problems.js';
import { problemsOf as rejected } from '../helpers/scenario.js';
import { describeVariant } from '../../src/cli/describe.js';
import { variantLabel } from '../../src/present/format.js';

// The container-only keys: matrix.ociRuntime and function.image + port, their expansion and their checks.
const FILE = resolve('test/data/scenarios/virtual.yaml');
const HELLO = '../../../fixtures/functions/hello.mjs';
const PHASES = 'phases:\n  - kind: constant\n    rate: 10\n    duration: 2s\n';

const problemsOf = (text: string): Problem[] => rejected(text, FILE);

describe('matrix.ociRuntime', () => {
  it('expands into one container variant per OCI runtime, named in key, listing and label', () => {
    const text = `name: oci\nfunction:\n  path: ${HELLO}\nruntimes: [process, container]\nmatrix:\n  ociRuntime: [runc, crun]\n${PHASES}`;
    const variants = expandVariants(parseScenarioText(text, FILE).scenario, { hostCores: 4 });
    // The process runtime has no OCI runtime: one cell for it, two for the container.
    expect(variants.map((v) => v.key)).toEqual([
      'process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10',
      'container/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10/oci=runc',
      'container/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10/oci=crun',
    ]);
    expect(variants[0]).not.toHaveProperty('ociRuntime');
    expect(variants[2]?.ociRuntime).toBe('crun');
    expect(describeVariant(variants[2]!)).toMatch(/^container \(crun\) · 512 MB/);
    expect(variantLabel(variants[2]!)).toBe('container (crun) · 512 MB · provisioned 0 · prewarm on');
  });

  it('is a positioned problem with a hint when no runtime is container', () => {
    const problems = problemsOf(`name: oci\nfunction:\n  path: ${HELLO}\nmatrix:\n  ociRuntime: crun\n${PHASES}`);
    expect(problems).toEqual([
      expect.objectContaining({ line: 5, col: 15, message: 'matrix.ociRuntime applies only to the container runtime, and runtimes is process', hint: expect.stringContaining('add container to runtimes') }),
    ]);
  });
});

describe('function.image', () => {
  it('takes an existing image and its port instead of a module path', () => {
    const loaded = parseScenarioText(`name: img\nfunction:\n  image: "nginx:1.27"\n  port: 80\nruntimes: container\n${PHASES}`, FILE);
    expect(loaded.fn).toEqual({ image: 'nginx:1.27', port: 80, handler: 'handler', env: {} });
  });

  it('wants exactly one of path and image, and a port with an image only', () => {
    expect(problemsOf(`name: x\nfunction:\n  env: {}\n${PHASES}`)).toEqual([
      expect.objectContaining({ line: 3, col: 3, message: 'missing required key "path" in function (or "image" and "port")', hint: expect.stringContaining('"image:" and "port:"') }),
    ]);
    expect(problemsOf(`name: x\nfunction:\n  path: ${HELLO}\n  image: a:b\n  port: 80\nruntimes: container\n${PHASES}`)).toEqual([
      expect.objectContaining({ line: 4, col: 10, message: 'function has both "path" and "image"', hint: expect.stringContaining('keep one') }),
    ]);
    expect(problemsOf(`name: x\nfunction:\n  image: a:b\nruntimes: container\n${PHASES}`)).toEqual([
      expect.objectContaining({ line: 3, col: 10, message: 'function.image needs "port"', hint: expect.stringContaining('port: 8080') }),
    ]);
    expect(problemsOf(`name: x\nfunction:\n  path: ${HELLO}\n  port: 80\n${PHASES}`)).toEqual([
      expect.objectContaining({ line: 4, col: 9, message: 'function.port applies only with "image"' }),
    ]);
  });

  it('cannot run on the process runtime, nor with prewarm off', () => {
    const problems = problemsOf(`name: x\nfunction:\n  image: a:b\n  port: 80\nruntimes: [process, container]\nmatrix:\n  prewarm: [true, false]\n${PHASES}`);
    expect(problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [3, 10, 'runtime process cannot run an image ("a:b"); only the container runtime can'],
      [7, 19, 'prewarm false cannot apply to an existing image: coldlab never removes your image, so its layers stay on the node'],
    ]);
    expect(problems[0]?.hint).toContain('runtimes: container');
  });
});
