import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { unknownKeys } from '../helpers/k8sKeys.js';

// No cluster runs here: every manifest coldlab writes is checked offline against the Kubernetes API
// schemas (kubernetes-models) and, since those let unknown keys through, against the API types' keys.
async function manifest(args: string[]): Promise<Array<Record<string, unknown>>> {
  const io = captureIO();
  const code = await main(['k8s', 'manifest', ...args], io);
  expect(code, io.stderr()).toBe(0);
  return parseAllDocuments(io.stdout()).map((d) => d.toJS() as Record<string, unknown>);
}

function checkAll(objects: Array<Record<string, unknown>>): void {
  for (const object of objects) {
    if (object.kind === 'Job') {
      expect(() => new Job(object as never).validate()).not.toThrow();
      expect(unknownKeys(object, 'kubernetes-models/batch/v1/Job', 'IJob')).toEqual([]);
    } else {
      expect(object.kind).toBe('ConfigMap');
      expect(() => new ConfigMap(object as never).validate()).not.toThrow();
      expect(unknownKeys(object, 'kubernetes-models/v1/ConfigMap', 'IConfigMap')).toEqual([]);
    }
  }
}

type JobShape = {
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    backoffLimitPerIndex: number;
    template: { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: Array<{ topologyKey: string }> } }; containers: Array<{ args: string[]; resources: { requests: Record<string, string> }; env: Array<{ name: string; value: string }> }>; volumes: Array<Record<string, unknown>> } };
  };
};

describe('coldlab k8s manifest (validated offline, not run on a cluster)', () => {
  it('every variation validates against the API schemas and has no unknown key', async () => {
    const variations = [
      ['test/data/cluster/four.yaml', '--shards', '2', '--image', 'coldlab:0.1.0'],
      ['test/data/cluster/four.yaml', '--shards', '4', '--image', 'registry.local/coldlab:0.1.0', '--namespace', 'Bench', '--results-claim', 'coldlab-results', '--parallelism', '2'],
      ['scenarios/quickstart.yaml', '--shards', '2', '--image', 'coldlab:0.1.0', '--name', 'quick start'],
    ];
    for (const args of variations) checkAll(await manifest(args));
  });

  it('is an Indexed Job: one pod per node, each index tried once, requests from the biggest variant', async () => {
    const [config, job] = await manifest(['scenarios/quickstart.yaml', '--shards', '2', '--image', 'coldlab:0.1.0']);
    expect(config!.kind).toBe('ConfigMap');
    const spec = (job as unknown as JobShape).spec;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 0 });
    const pod = spec.template.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]!.topologyKey).toBe('kubernetes.io/hostname');
    // quickstart: 512 MB × up to 4 instances, plus 256 MiB for coldlab itself.
    expect(pod.containers[0]!.resources.requests.memory).toBe(`${512 * 4 + 256}Mi`);
    expect(pod.containers[0]!.args).toEqual(['shard-task']);
    expect(pod.containers[0]!.env.find((e) => e.name === 'COLDLAB_SHARDS')?.value).toBe('2');
    expect(pod.volumes.some((v) => 'hostPath' in v)).toBe(true);
  });

  it('the checks catch what they are for: a misspelt key, a wrong type', () => {
    const bad = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'x' }, spec: { backofLimitPerIndex: 0, template: { spec: { containers: [{ name: 'a', image: 'b', resources: { request: {} } }] } } } };
    expect(unknownKeys(bad, 'kubernetes-models/batch/v1/Job', 'IJob')).toEqual(['.spec.backofLimitPerIndex', '.spec.template.spec.containers[0].resources.request']);
    expect(() => new Job({ ...bad, spec: { completions: 'two', template: { spec: { containers: [] } } } } as never).validate()).toThrow();
  });

  it('bad input is a usage error before anything is printed', async () => {
    const io = captureIO();
    expect(await main(['k8s', 'manifest', 'test/data/cluster/four.yaml', '--shards', '0', '--image', 'x'], io)).toBe(2);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(/--shards "0"/);
  });

  it('refusals before anything starts: containers on Kubernetes, microVMs on both, each with its reason', async () => {
    const cases = [
      [['k8s', 'manifest', 'test/data/runs/container-quick.yaml', '--shards', '1', '--image', 'x'], /supports the process and wasm runtimes, not container \(a Kubernetes node need not run a Docker engine/],
      [['k8s', 'manifest', 'test/data/runs/microvm-and-process.yaml', '--shards', '1', '--image', 'x'], /not microvm \(the runner image holds no QEMU and no guest kernel/],
      [['swarm', 'run', 'test/data/runs/microvm-and-process.yaml', '--shards', '1'], /supports the process, wasm and container runtimes, not microvm \(.*no QEMU.*cannot be given \/dev\/kvm/],
    ] as const;
    for (const [args, message] of cases) {
      const io = captureIO();
      expect(await main([...args], io), io.stderr()).toBe(2);
      expect(io.stderr()).toMatch(message);
      expect(io.stderr()).toMatch(/coldlab run SCENARIO --shard i\/N. on each machine \(for microvm: one with QEMU and \/dev\/kvm\)/);
    }
  });
});
