import { describe, expect, it } from 'vitest';
import { distinguishingLabels } from '../../src/report/overview.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

describe('variant labels in the overview', () => {
  it('name only the knobs that differ', () => {
    const result = sampleRunResult({ variants: [{ provisioned: 0 }, { provisioned: 1 }] });
    expect(distinguishingLabels(result.variants)).toEqual(['provisioned 0', 'provisioned 1']);
  });

  it('line knobs up by name when only some variants have an OCI runtime', () => {
    const result = sampleRunResult({ variants: [{ runtime: 'process' }, { runtime: 'container' }, { runtime: 'container' }] });
    const [, runc, crun] = result.variants;
    if (!runc || !crun) throw new Error('expected three variants');
    runc.variant.ociRuntime = 'runc';
    crun.variant.ociRuntime = 'crun';
    expect(distinguishingLabels(result.variants)).toEqual(['process', 'container · OCI runtime runc', 'container · OCI runtime crun']);
  });
});
