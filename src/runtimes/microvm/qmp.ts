import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { sleep } from '../../util/clock.js';

type QmpReply = { return?: unknown; error?: { class: string; desc: string } };

/** A minimal QMP client: one command at a time, events skipped. */
export class Qmp {
  private readonly replies: QmpReply[] = [];
  private waiting: ((reply: QmpReply) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.once('close', () => this.waiting?.({ error: { class: 'closed', desc: 'QEMU closed the QMP connection' } }));
    createInterface({ input: socket }).on('line', (line) => {
      const message = JSON.parse(line) as QmpReply & { event?: string; QMP?: unknown };
      if (message.event !== undefined || message.QMP !== undefined) return;
      if (this.waiting) {
        const done = this.waiting;
        this.waiting = undefined;
        done(message);
      } else this.replies.push(message);
    });
  }

  /** Connects (QEMU creates the socket a moment after it starts) and leaves capabilities negotiation done. */
  static async open(path: string, timeoutMs = 10_000, retryMs = 50, gone: () => boolean = () => false): Promise<Qmp> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        const qmp = new Qmp(socket);
        await qmp.execute('qmp_capabilities');
        return qmp;
      } catch (error) {
        if (Date.now() > deadline || gone()) throw error;
        await sleep(retryMs);
      }
    }
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const reply = new Promise<QmpReply>((resolve) => {
      const queued = this.replies.shift();
      if (queued) return resolve(queued);
      this.waiting = resolve;
    });
    this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
    const answer = await reply;
    if (answer.error) throw new Error(`QMP ${command}: ${answer.error.desc}`);
    return answer.return;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Saves the running guest to a file by migration (QEMU 7.2 has no file: URI; exec:cat does the same) and
 * returns once it is complete; the source VM is left paused.
 */
export async function migrateToFile(qmp: Qmp, file: string, timeoutMs: number): Promise<void> {
  await qmp.execute('migrate', { uri: `exec:cat > '${file.replace(/'/g, `'\\''`)}'` });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = (await qmp.execute('query-migrate')) as { status?: string; 'error-desc'?: string };
    if (info.status === 'completed') return;
    if (info.status === 'failed' || info.status === 'cancelled') throw new Error(`migration ${info.status}${info['error-desc'] ? `: ${info['error-desc']}` : ''}`);
    if (Date.now() > deadline) throw new Error(`migration not complete after ${timeoutMs / 1000} s (status ${info.status ?? '?'})`);
    await sleep(50);
  }
}

const ignoreShared = { capabilities: [{ capability: 'x-ignore-shared', state: true }] };

/** Source side of a lazy snapshot: guest RAM (a shared file) is left out of the migration stream. */
export async function ignoreSharedRam(qmp: Qmp): Promise<void> {
  await qmp.execute('migrate-set-capabilities', ignoreShared);
}

/**
 * Incoming side of a lazy restore, for a QEMU started with `-incoming defer`: the same capability (QEMU 7.2 has
 * no command-line switch for it), then the device state from the snapshot file. Polls for the socket every 5 ms:
 * this is on the timed path.
 */
export async function startLazyIncoming(socketPath: string, file: string, timeoutMs: number, gone: () => boolean): Promise<void> {
  // Stops retrying once QEMU has exited (a failed or interrupted start), instead of until the timeout.
  const qmp = await Qmp.open(socketPath, timeoutMs, 5, gone);
  try {
    await qmp.execute('migrate-set-capabilities', ignoreShared);
    await qmp.execute('migrate-incoming', { uri: `exec:cat '${file.replace(/'/g, `'\\''`)}'` });
  } finally {
    qmp.close();
  }
}
