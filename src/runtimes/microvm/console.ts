import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { GuestMemory } from '../types.js';

const TAIL_LINES = 30;

/** The guest's serial console (QEMU -serial stdio): its last lines for errors, and the init's command channel. */
export class SerialConsole {
  private readonly tail: string[] = [];
  private readonly waiters: Array<{ prefix: string; resolve(line: string | undefined): void }> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(output: Readable, private readonly input: Writable | null) {
    createInterface({ input: output }).on('line', (raw) => this.onLine(raw));
    output.once('close', () => this.waiters.splice(0).forEach((w) => w.resolve(undefined)));
    input?.on('error', () => undefined);
  }

  /** The last lines the guest printed (kernel, init, Node), for a failed start or crash. */
  lastLines(count = 12): string[] {
    return this.tail.slice(-count);
  }

  /** Sends one command line to the guest init and waits for its answer line (undefined after timeoutMs). */
  ask(command: string, answerPrefix: string, timeoutMs: number): Promise<string | undefined> {
    const run = async (): Promise<string | undefined> => {
      if (!this.input || this.input.destroyed) return undefined;
      const answer = new Promise<string | undefined>((resolve) => {
        const waiter = { prefix: answerPrefix, resolve };
        this.waiters.push(waiter);
        setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(undefined);
        }, timeoutMs).unref();
      });
      this.input.write(`${command}\n`);
      return answer;
    };
    // One command at a time: answers carry no id.
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The guest's own /proc/meminfo figures. */
  async meminfo(timeoutMs = 1500): Promise<GuestMemory | undefined> {
    return parseGuestMeminfo(await this.ask('m', 'coldlab-meminfo', timeoutMs));
  }

  /** Sets the guest's wall clock to the host's; true once the guest confirmed. */
  async setClock(timeoutMs = 10_000): Promise<boolean> {
    return (await this.ask(`t ${Math.round(Date.now() / 1000)}`, 'coldlab-clock', timeoutMs)) !== undefined;
  }

  private onLine(raw: string): void {
    // The guest tty ends lines with CR LF.
    const line = raw.replace(/\r/g, '');
    const at = this.waiters.findIndex((w) => line.startsWith(w.prefix));
    if (at >= 0) {
      this.waiters.splice(at, 1)[0]?.resolve(line);
      return;
    }
    if (line.trim() === '') return;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

/** "coldlab-meminfo MemTotal=… MemAvailable=… Cached=…" (kB) → GuestMemory. */
export function parseGuestMeminfo(line: string | undefined): GuestMemory | undefined {
  if (!line) return undefined;
  const value = (key: string): number | undefined => {
    const match = new RegExp(`\\b${key}=(\\d+)`).exec(line);
    return match?.[1] ? Number(match[1]) : undefined;
  };
  const memTotalKb = value('MemTotal');
  const memAvailableKb = value('MemAvailable');
  const cachedKb = value('Cached');
  return memTotalKb === undefined || memAvailableKb === undefined || cachedKb === undefined ? undefined : { memTotalKb, memAvailableKb, cachedKb };
}
