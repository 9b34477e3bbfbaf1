import type { Variant } from '../scenario/variant.js';
import type { Bundle } from './bundle.js';
import { TASK_ENV } from './task.js';
import { ColdlabError, EXIT } from '../util/errors.js';

/** Where the bundle ConfigMap and the results volume are mounted in each pod. */
export const K8S_BUNDLE_DIR = '/etc/coldlab/bundle';
export const K8S_RESULTS_DIR = '/var/lib/coldlab/results';
/** A ConfigMap holds at most 1 MiB (etcd's object limit); the bundle must fit with room for the rest. */
export const CONFIGMAP_LIMIT_BYTES = 1_000_000;
/** What coldlab itself (Node, the sender, the recorder) needs beside the instances. */
const COLDLAB_OVERHEAD_MB = 256;

export interface K8sManifestInput {
  name: string;
  namespace?: string;
  runId: string;
  image: string;
  shards: number;
  parallelism: number;
  variants: Variant[];
  bundle: Bundle;
  /** A ReadWriteMany claim all pods write to; absent: a hostPath folder on each node. */
  resultsClaim?: string;
}

/** Kubernetes names: lowercase RFC 1123 labels, at most 63 characters. */
export function k8sName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 52).replace(/-+$/, '') || 'coldlab';
}

/**
 * One pod template serves every index, so it asks for the largest shard's need: the biggest variant's
 * memory size times the instances it may start at once, plus coldlab's own; CPU as the variant's share.
 */
export function podResources(variants: readonly Variant[]): { requests: Record<string, string> } {
  const memoryMb = Math.max(0, ...variants.map((v) => v.memoryMb * Math.max(1, v.maxInstances, v.provisionedConcurrency))) + COLDLAB_OVERHEAD_MB;
  const cpuMilli = Math.max(500, ...variants.map((v) => Math.ceil(v.cpus * 1000)));
  return { requests: { memory: `${memoryMb}Mi`, cpu: `${cpuMilli}m` } };
}

export function configMap(input: K8sManifestInput): Record<string, unknown> {
  const data = JSON.stringify(input.bundle);
  if (data.length > CONFIGMAP_LIMIT_BYTES) {
    throw new ColdlabError('K8S_BUNDLE_TOO_LARGE', `the scenario's files take ${data.length} bytes, more than a ConfigMap holds (${CONFIGMAP_LIMIT_BYTES})`, 'bake the function into the runner image (FROM coldlab:<version>, COPY it to the same path)', EXIT.usage);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(input, `${input.name}-bundle`), data: { 'bundle.json': data } };
}

function metadata(input: K8sManifestInput, name: string): Record<string, unknown> {
  return { name, ...(input.namespace ? { namespace: input.namespace } : {}), labels: labels(input) };
}

const labels = (input: K8sManifestInput): Record<string, string> => ({ 'app.kubernetes.io/name': 'coldlab', 'app.kubernetes.io/instance': input.name, 'coldlab.run': k8sName(input.runId) });

/** An Indexed Job: pod i runs shard i+1 of N, at most one pod per node, each index tried once. */
export function indexedJob(input: K8sManifestInput): Record<string, unknown> {
  const results = input.resultsClaim
    ? { name: 'results', persistentVolumeClaim: { claimName: input.resultsClaim } }
    : { name: 'results', hostPath: { path: K8S_RESULTS_DIR, type: 'DirectoryOrCreate' } };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(input, input.name),
    spec: {
      completionMode: 'Indexed',
      completions: input.shards,
      parallelism: input.parallelism,
      // A failed index is reported, not retried: a retry would measure on a host already disturbed.
      backoffLimitPerIndex: 0,
      maxFailedIndexes: input.shards,
      template: {
        metadata: { labels: labels(input) },
        spec: {
          restartPolicy: 'Never',
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'coldlab.run': k8sName(input.runId) } }, topologyKey: 'kubernetes.io/hostname' }],
            },
          },
          containers: [
            {
              name: 'shard',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              args: ['shard-task'],
              env: [
                { name: TASK_ENV.shards, value: String(input.shards) },
                { name: TASK_ENV.bundleFile, value: `${K8S_BUNDLE_DIR}/bundle.json` },
                { name: TASK_ENV.resultsDir, value: `${K8S_RESULTS_DIR}/${input.name}` },
              ],
              resources: podResources(input.variants),
              volumeMounts: [
                { name: 'bundle', mountPath: K8S_BUNDLE_DIR, readOnly: true },
                { name: 'results', mountPath: K8S_RESULTS_DIR },
              ],
            },
          ],
          volumes: [{ name: 'bundle', configMap: { name: `${input.name}-bundle` } }, results],
        },
      },
    },
  };
}
