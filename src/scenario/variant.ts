import type { Phase, RuntimeName } from './schema.js';
import type { RuntimeKnobValues } from './knobs/index.js';
import type { EventsSettings } from './events.js';

/** One cell of the matrix, for one repetition: everything needed to run it. */
export interface Variant extends RuntimeKnobValues {
  /** Stable key without the repetition, e.g. "process/mem=512/prov=0/prewarm=on/ka=60000/conc=1/max=10" (then the runtime's own knobs, "…/oci=crun"). */
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
  /** Event phases only (src/events/): the trigger consumer's ack wait and unacked limit, and the scenario's events block. */
  ackWaitMs?: number;
  maxAckPending?: number;
  events?: EventsSettings;
}

/** The function under test, with paths already resolved to absolute ones: a module (path) or an existing image (image + port). */
export interface FunctionSpec {
  /** Absolute path of the module; absent when the scenario names an image. */
  path?: string;
  handler: string;
  env: Record<string, string>;
  /** An image present in the engine that serves HTTP (container runtime only). */
  image?: string;
  /** Port the image serves HTTP on inside the container. */
  port?: number;
  /** Absolute path of a WAGI module (.wasm) or its source (.wat, .c), for the wasm runtime. */
  wasm?: string;
}
