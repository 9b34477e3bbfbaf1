import type { Phase, RuntimeName } from './schema.js';

/** One cell of the matrix, for one repetition: everything needed to run it. */
export interface Variant {
  /** Stable key without the repetition, e.g. "process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10". */
  key: string;
  /** key plus "#rep". */
  id: string;
  repetition: number;
  runtime: RuntimeName;
  memoryMb: number;
  provisionedConcurrency: number;
  prewarm: boolean;
  keepAliveMs: number;
  instanceConcurrency: number;
  maxInstances: number;
  /** CPU share in vCPUs derived from memory (memoryMb / cpuMbPerVcpu), capped by host cores. */
  cpus: number;
  phases: Phase[];
  requestTimeoutMs: number;
}

/** The function under test, with paths already resolved to absolute ones. */
export interface FunctionSpec {
  /** Absolute path of the module. */
  path: string;
  handler: string;
  env: Record<string, string>;
}
