import cliProgress from 'cli-progress';
import type { IO } from './io.js';
import { terminalSafe } from '../util/terminal.js';
import type { Variant } from '../scenario/variant.js';
import type { Outcome } from '../results/recorder.js';
import type { VariantEvents } from '../lab/variant.js';

/** A one-line progress bar per phase on a terminal; nothing at all when quiet or not a TTY. */
export function progressEvents(io: IO, quiet: boolean): VariantEvents & { done(): void } {
  if (quiet || !io.isTTY || !io.progressStream) return { done: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: io.progressStream, format: '  {phase} [{bar}] {percentage}% | sent {sent} | cold {cold} | errors {errors}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let counts = { sent: 0, cold: 0, errors: 0 };
  let timer: NodeJS.Timeout | undefined;
  let phaseStart = 0;
  let phaseMs = 1;
  const stopBar = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
    bar.stop();
  };
  return {
    phaseStarted(_variant: Variant, phase: string, _index: number, durationMs: number) {
      stopBar();
      counts = { sent: 0, cold: 0, errors: 0 };
      phaseStart = Date.now();
      phaseMs = Math.max(1, durationMs);
      bar.start(100, 0, { phase: terminalSafe(phase), ...counts });
      // Time-based progress: phases are scheduled by time, not by request count.
      timer = setInterval(() => bar.update(Math.min(100, Math.round(((Date.now() - phaseStart) / phaseMs) * 100)), counts), 200);
      timer.unref();
    },
    outcome(outcome: Outcome) {
      counts.sent++;
      if (outcome.tags?.startKind === 'cold') counts.cold++;
      if (!outcome.ok) counts.errors++;
    },
    done: stopBar,
  };
}
