import type { FunctionSpec, Variant } from '../scenario/variant.js';
import type { RuntimeName } from '../scenario/schema.js';
import type { GuestMemory, RuntimeFacts, StartBreakdown } from '../results/sandbox.js';
import type { CgroupRef } from '../metrics/cgroupRef.js';

export type { GuestMemory, RuntimeFacts, StartBreakdown, CgroupRef };

/** What `coldlab doctor` shows for a runtime. */
export type ProbeResult = { usable: true; details: string; facts?: RuntimeFacts } | { usable: false; reason: string; fix: string };

/** Memory of a sandbox that is a machine of its own: what its guest sees, and what hosting it costs the host. */
export interface SandboxMemory {
  guest?: GuestMemory;
  /** Resident memory of the host process holding the sandbox (QEMU): guest RAM it touched plus its own overhead. */
  hostRssBytes?: number;
}

export interface InstanceExit {
  reason: 'stopped' | 'crashed' | 'oom-killed';
  code?: number | null;
  signal?: string | null;
  detail?: string;
}

/** What the gateway answers in an instance's place for a request whose connection the instance's end cut. */
export interface CutAnswer {
  status: number;
  /** The function error's name, as an instance would put it in x-coldlab-function-error (e.g. "wasm-timeout"). */
  error: string;
  message: string;
}

export interface Instance {
  readonly id: string;
  /** Base URL that serves the function, e.g. http://127.0.0.1:40123; a path in it is where its requests go under (a Wasm thread serves its instance under /i/<id> on its own port, kept for the thread's next instance) */
  readonly url: string;
  readonly pid?: number | undefined;
  readonly cgroup: CgroupRef | null;
  /** False when the runtime could not apply the memory/CPU limits; reports say "limits not enforced". */
  readonly limitsEnforced: boolean;
  /** Why limits or prewarm were not applied, shown in results. */
  readonly notes: string[];
  readonly start: StartBreakdown;
  /** Resolves once, when the instance is gone for any reason. */
  readonly exited: Promise<InstanceExit>;
  /** Optional: resolves when what answers at the URL's origin is gone, where it outlives the instance (a Wasm thread serves its next instance on the same port); connections to the origin are kept until then. */
  readonly originExited?: Promise<unknown>;
  /**
   * Optional: why a connection to the instance was cut, where its end cuts connections instead of answering (a
   * Wasm thread ended for a timeout or its memory limit); undefined when it did not end (a plain network error).
   */
  explainCut?(): Promise<CutAnswer | undefined>;
  /**
   * Optional: an instance whose first request started it (StartContext.onAccepting) may say its start in that
   * request's answer (the x-coldlab-instance-started header); the gateway hands the header's value here before
   * it relays the answer, so the answer need not wait for the start's news on another channel.
   */
  startedBy?(said: string): void;
  stop(): Promise<void>;
  /** Optional: sandboxes that are machines (microVMs) report their guest's and their host process's memory. */
  sandboxMemory?(): Promise<SandboxMemory>;
}

export interface StartContext {
  /** Unique per instance within a run, e.g. "i3". */
  instanceId: string;
  runId: string;
  signal?: AbortSignal;
  /**
   * Optional: called by a runtime whose instance takes requests before it has started (they wait inside the
   * sandbox, so the first rides the start, as an invoke carries a Lambda init, instead of waiting for the news
   * of the start and a second trip); start() still resolves once the instance has started. Its `start` is
   * known only then.
   */
  onAccepting?: (instance: Instance) => void;
}

/** Built once per variant by prepare(): whatever start() needs (image name, resolved files...). */
export interface Prepared {
  fn: FunctionSpec;
  variant: Variant;
  /** Runtime-specific data. */
  data: Record<string, unknown>;
  /** Notes for results, e.g. "page cache drop not available here". */
  notes: string[];
  /** Facts about the sandbox as the runtime found it (e.g. gVisor's platform), recorded in results. */
  sandbox?: Record<string, string>;
}

/** The contract every runtime implements; the platform never asks which one it has. */
export interface Runtime {
  readonly name: RuntimeName;
  probe(): Promise<ProbeResult>;
  prepare(fn: FunctionSpec, variant: Variant, runId: string): Promise<Prepared>;
  start(prepared: Prepared, ctx: StartContext): Promise<Instance>;
  /** Removes everything this runtime created for runId (processes, containers, cgroups, temp files); safe to call twice. */
  dispose(runId: string): Promise<void>;
  /** Removes leftovers of earlier runs (after a crash), never those of a coldlab still running (this one included); returns what it removed. */
  cleanupLeftovers?(): Promise<string[]>;
}
