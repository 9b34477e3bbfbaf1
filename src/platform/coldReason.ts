import type { ColdReason } from '../results/model.js';

/**
 * Tells a scale-out cold start from one caused by keep-alive expiry: a cold start is "keepalive-expired"
 * when keep-alive reaped an instance that has not been replaced yet and the pool is below its peak size,
 * i.e. with an infinite keep-alive an instance would have been there.
 */
export class ColdStartClassifier {
  private peak = 0;
  private reapedNotReplaced = 0;

  classify(aliveBeforeStart: number): ColdReason {
    if (this.reapedNotReplaced > 0 && aliveBeforeStart < this.peak) {
      this.reapedNotReplaced--;
      return 'keepalive-expired';
    }
    return 'scale-out';
  }

  onStarted(aliveAfterStart: number): void {
    this.peak = Math.max(this.peak, aliveAfterStart);
  }

  onReaped(): void {
    this.reapedNotReplaced++;
  }
}
