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

  /**
   * Sets the guest's wall clock from its RTC (QEMU runs it on the host's clock, also across a snapshot), so
   * it can be sent as soon as QEMU is spawned: the init reads it when the restored guest resumes. The leading
   * newline is sacrificial: a byte the UART takes before the snapshot's device state is loaded is lost.
   * Resolves to the guest's seconds after the fix, undefined when not confirmed.
   */
  async clockFromRtc(timeoutMs: number): Promise<number | undefined> {
    return parseClockAnswer(await this.ask('\nr', 'coldlab-clock', timeoutMs));
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

/** "coldlab-clock <secs>" → secs; "coldlab-clock-failed" or no answer → undefined. */
export function parseClockAnswer(line: string | undefined): number | undefined {
  const secs = /^coldlab-clock (\d+)$/.exec(line?.trim() ?? '')?.[1];
  return secs === undefined ? undefined : Number(secs);
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
