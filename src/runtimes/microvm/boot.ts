import type { Health } from '../container/health.js';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { nowUs } from '../../util/clock.js';
import { type QemuLaunch, qemuArgs } from './qemu.js';
import { firstHealth } from './ready.js';
import { freePort, type RunningQemu, spawnQemu } from './spawn.js';

export interface LaunchedGuest {
  qemu: RunningQemu;
  url: string;
  health: Health;
  /** µs clock readings: QEMU spawned (its process exists) and first HTTP 200. */
  spawnedUs: number;
  readyUs: number;
}

export interface GuestRequest {
  launch: Omit<QemuLaunch, 'hostPort'>;
  procsFiles: string[];
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Says what the guest is, in errors: "instance i3", "the snapshot template". */
  what: string;
  /** Started as soon as QEMU is spawned and awaited beside the first 200, so it costs the start nothing when it is quicker (restore: the clock fix). */
  alongside?: ((qemu: RunningQemu) => Promise<unknown>) | undefined;
}

const PORT_TRIES = 3;

function describeFailure(qemu: RunningQemu): string {
  const lines = [...qemu.console.lastLines(), ...(qemu.stderrTail() ? [`qemu: ${qemu.stderrTail()}`] : [])];
  return lines.length > 0 ? `; last console lines:\n  ${lines.join('\n  ')}` : ' (the console printed nothing)';
}

async function kill(qemu: RunningQemu): Promise<void> {
  qemu.child.kill('SIGKILL');
  await qemu.exit;
}

/**
 * Starts QEMU with a loopback port forwarded to the guest and waits for the first HTTP 200 from the bootstrap.
 * A guest that does not answer within timeoutMs is killed and reported with the tail of its console.
 */
export async function launchGuest(request: GuestRequest): Promise<LaunchedGuest> {
  for (let attempt = 1; ; attempt++) {
    const hostPort = await freePort();
    const qemu = await spawnQemu(qemuArgs({ ...request.launch, hostPort }), request.procsFiles);
    const spawnedUs = await new Promise<number>((done) => qemu.child.once('spawn', () => done(nowUs())).once('error', () => done(nowUs())));
    const url = `http://127.0.0.1:${hostPort}`;
    const beside = request.alongside?.(qemu);
    // A failure beside (a lazy restore's incoming migration refused) ends the polling at once, not at the timeout.
    let besideError: unknown;
    beside?.catch((error: unknown) => (besideError = error ?? new Error('failed')));
    const health = await firstHealth(url, { deadlineMs: request.timeoutMs, gone: () => qemu.gone() || besideError !== undefined, signal: request.signal });
    if (health) {
      await beside;
      return { qemu, url, health, spawnedUs, readyUs: nowUs() };
    }
    if (besideError !== undefined) {
      await kill(qemu);
      throw new ColdlabError('MICROVM_RESTORE_FAILED', `${request.what}: ${besideError instanceof Error ? besideError.message : String(besideError)}${describeFailure(qemu)}`, 'run with microvmStart: restore (the snapshot read whole) and report the QEMU version', EXIT.internal, { cause: besideError });
    }
    const exited = qemu.gone();
    await kill(qemu);
    if (request.signal?.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    // Another process took the port between freePort() and QEMU's bind: try another one.
    if (exited && /host forwarding rule|Could not set up host forwarding/i.test(qemu.stderrTail()) && attempt < PORT_TRIES) continue;
    const [code, message] = exited
      ? ['MICROVM_EXITED', `${request.what}: QEMU exited before the guest answered`]
      : ['MICROVM_START_TIMEOUT', `${request.what}: the guest did not answer within ${request.timeoutMs / 1000} s and was killed`];
    throw new ColdlabError(code, `${message}${describeFailure(qemu)}`, exited ? 'the console lines say why (a function that throws at import exits Node and reboots the guest)' : 'a hung boot or a function init that never finishes; raise COLDLAB_MICROVM_START_TIMEOUT_MS if the host is only slow', EXIT.internal);
  }
}
