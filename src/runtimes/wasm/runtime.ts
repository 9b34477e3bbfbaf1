import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Instance, Prepared, ProbeResult, Runtime, StartContext } from '../types.js';
import type { FunctionSpec, Variant } from '../../scenario/variant.js';
import { detectCgroups } from '../../metrics/cgroup.js';
import { removeLeftoverCgroups } from '../process/cgroupLimits.js';
import { dropFromPageCache } from '../process/pageCache.js';
import { ownerAlive } from '../owner.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { ARTIFACT_PREFIX, artifactRoot, prepareArtifact, STDIO_BASE, stdioRoot, type WasmArtifact } from './artifact.js';
import { findClang } from './build.js';
import { type ServedSummary, WasmHost } from './host.js';
import { WasmInstance } from './instance.js';
import { launchHost } from './launch.js';
import { wizerBinary } from './wizer.js';

const START_TIMEOUT_MS = 30_000;
const SERVED_NOTE = 'wasm: requests served';
const PARKED_NOTE = 'wasm: starts handed to a parked thread';

function servedNote(s: ServedSummary): string {
  const how = s.reuse ? 'one instance reused for many requests (instantiate 0 µs when kept)' : 'a fresh instance per request';
  return `${SERVED_NOTE}: ${s.count.toLocaleString('en-US')}, ${how}; instantiate P50 ${s.instantiateUs.p50} µs, P99 ${s.instantiateUs.p99} µs; run P50 ${s.runUs.p50} µs, P99 ${s.runUs.p99} µs (in the host's worker)`;
}

/** What prepare() leaves for start(): the variant's artifact and its host process (relaunched if it died). */
interface WasmState {
  artifact: WasmArtifact;
  host: WasmHost;
  runId: string;
  /** Starts so far, how many found a parked thread (the others booted one on the timed path), and how many of those had served an earlier instance. */
  starts: { all: number; parked: number; recycled: number };
}

/** One note, kept current: how many starts a parked thread took, so a reader knows what createMs held. */
function noteParked(notes: string[], starts: WasmState['starts']): void {
  const note = `${PARKED_NOTE}: ${starts.parked} of ${starts.all}${starts.parked < starts.all ? ' (the others found none parked and booted their thread on the timed path, in createMs)' : ''}; ${starts.recycled} on a thread a stopped instance had used (its first run of the module was behind it)`;
  const index = notes.findIndex((n) => n.startsWith(PARKED_NOTE));
  if (index >= 0) notes[index] = note;
  else notes.push(note);
}

function stateOf(prepared: Prepared): WasmState {
  const state = prepared.data.wasm as WasmState | undefined;
  if (!state) throw new ColdlabError('WASM_NOT_PREPARED', 'the wasm runtime was asked to start an instance it did not prepare', 'this is a coldlab bug', EXIT.internal);
  return state;
}

/** WAGI modules on WASI preview 1 (node:wasi): one host process per variant, one worker thread per instance, started ahead of need (parked). */
export class WasmRuntime implements Runtime {
  readonly name = 'wasm' as const;
  private readonly hosts = new Map<string, Set<WasmHost>>();
  private readonly drops = new Set<Promise<unknown>>();
  private hostCount = 0;

  async probe(): Promise<ProbeResult> {
    // Importing node:wasi here would print its experimental warning in coldlab itself; the host imports it.
    if (Number(process.versions.node.split('.')[0]) < 20) {
      return { usable: false, reason: `node ${process.version} lacks WebAssembly or a WASI preview 1 that works in worker threads`, fix: 'use Node 20 or newer' };
    }
    const mode = await detectCgroups();
    const clang = await findClang();
    const wizer = await wizerBinary().then(() => 'yes', () => 'no (npm ci)');
    const limits = mode.version === null ? `limits NOT enforced (${mode.reason})` : `cgroup v${mode.version} limits on the host process`;
    return { usable: true, details: `node:wasi (WASI preview 1) in worker threads; ${limits}; C sources: ${clang ?? 'no clang for wasm32-wasi'}; Wizer: ${wizer}` };
  }

  async prepare(fn: FunctionSpec, variant: Variant, runId: string): Promise<Prepared> {
    if (fn.wasm === undefined) throw new ColdlabError('FUNCTION_NOT_WASM', 'the wasm runtime runs a WAGI module, and the scenario names none', 'add function.wasm (a .wasm module or its .wat/.c source)', EXIT.usage);
    // Variants run one after another: the previous variant's host has nothing left to serve.
    await this.closeHosts(runId);
    const artifact = await prepareArtifact(fn.wasm, variant, runId);
    const notes = [...artifact.notes];
    const { host, notes: hostNotes } = await this.launch(artifact, fn, variant, runId, notes);
    notes.push(...hostNotes);
    if (!variant.prewarm && variant.wasmStart !== 'cached' && !(await this.dropCache(artifact.path))) {
      notes.push('prewarm off: the module could not be dropped from the page cache, so cold starts read it from memory');
    }
    return { fn, variant, data: { wasm: { artifact, host, runId, starts: { all: 0, parked: 0, recycled: 0 } } satisfies WasmState }, notes };
  }

  async start(prepared: Prepared, ctx: StartContext): Promise<Instance> {
    const state = stateOf(prepared);
    const { variant } = prepared;
    if (!state.host.alive) {
      const { host } = await this.launch(state.artifact, prepared.fn, variant, state.runId, prepared.notes);
      state.host = host;
      prepared.notes.push('wasm: the host process ended during the run and was started again');
    }
    const host = state.host;
    const thread = host.takeParked();
    const { ready, exited } = host.start(ctx.instanceId, thread);
    const make = (port: number, threadId: number): WasmInstance =>
      new WasmInstance(ctx.instanceId, `http://127.0.0.1:${port}/i/${encodeURIComponent(ctx.instanceId)}`, host, exited, host.threadEnded(threadId), host.cgroup !== null, []);
    // With its thread known, requests may go to it now: the first starts the instance there, so it rides the start.
    let instance = thread ? make(thread.port, thread.thread) : undefined;
    if (instance) ctx.onAccepting?.(instance);
    const answer = await withTimeout(ready, START_TIMEOUT_MS, ctx.signal, () =>
      new ColdlabError('INSTANCE_START_TIMEOUT', `Wasm instance ${ctx.instanceId} (${state.artifact.name}) did not start within ${START_TIMEOUT_MS / 1000} s`, 'look at the module\'s first run (its init)'),
    ).catch((error: unknown) => {
      host.stop(ctx.instanceId);
      throw error;
    });
    instance ??= make(answer.thread.port, answer.thread.id);
    instance.markStarted(answer.times, answer.thread);
    state.starts.all++;
    if (answer.thread.parked) state.starts.parked++;
    if (answer.thread.recycled) state.starts.recycled++;
    noteParked(prepared.notes, state.starts);
    // Keep the module out of the page cache for the next cold start, off the timed path.
    if (!variant.prewarm && variant.wasmStart !== 'cached') void this.dropCache(state.artifact.path);
    return instance;
  }

  /** Resolves once the variant's host has a thread parked: the next start is handed to it rather than booting one. */
  async whenParked(prepared: Prepared): Promise<void> {
    await stateOf(prepared).host.whenParked();
  }

  async dispose(runId: string): Promise<void> {
    await this.closeHosts(runId);
    await Promise.all(this.drops);
    await rm(artifactRoot(runId), { recursive: true, force: true });
    await rm(stdioRoot(runId), { recursive: true, force: true });
  }

  async cleanupLeftovers(): Promise<string[]> {
    const removed = await removeLeftoverCgroups();
    for (const base of new Set([tmpdir(), STDIO_BASE])) {
      const names = await readdir(base).catch(() => []);
      for (const name of names.filter((n) => n.startsWith(ARTIFACT_PREFIX))) {
        if (ownerAlive(Number(/^coldlab-wasm-p(\d+)-/.exec(name)?.[1] ?? 0))) continue;
        await rm(join(base, name), { recursive: true, force: true });
        removed.push(join(base, name));
      }
    }
    return removed;
  }

  private async launch(artifact: WasmArtifact, fn: FunctionSpec, variant: Variant, runId: string, notes: string[]): Promise<{ host: WasmHost; notes: string[] }> {
    const launched = await launchHost(artifact, variant, fn.env, runId, `wasm${++this.hostCount}`);
    // Module errors of requests are counted by the load side; the first message of each cause goes to the results' notes.
    launched.host.onFirstError = (message) => notes.push(message);
    launched.host.onParkFailed = (message) => {
      if (!notes.includes(message)) notes.push(message);
    };
    // One note with the warm requests' instantiate and run times, kept current as instances exit (the last exit is at the variant's end).
    launched.host.onServed = (summary) => {
      const index = notes.findIndex((n) => n.startsWith(SERVED_NOTE));
      const note = servedNote(summary);
      if (index >= 0) notes[index] = note;
      else notes.push(note);
    };
    const set = this.hosts.get(runId) ?? new Set<WasmHost>();
    this.hosts.set(runId, set);
    set.add(launched.host);
    return launched;
  }

  private async closeHosts(runId: string): Promise<void> {
    const hosts = [...(this.hosts.get(runId) ?? [])];
    this.hosts.delete(runId);
    await Promise.all(hosts.map((h) => h.close()));
  }

  private async dropCache(path: string): Promise<boolean> {
    const drop = dropFromPageCache([path]);
    this.drops.add(drop);
    const outcome = await drop.finally(() => this.drops.delete(drop));
    return outcome.dropped;
  }
}
