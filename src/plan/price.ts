import { type Prices } from '../scenario/prices.js';
import { billedMs, gbOf, provisionedIdleCost, requestCost } from '../billing/rates.js';

/** What a simulated pool costs under the advise cost model (an estimate on list prices, never a bill). */
export interface PlanCost {
  /** Billed GB-seconds of execution (on-demand and on provisioned instances). */
  gbSeconds: number;
  /** GB-seconds of provisioned instances kept allocated over the horizon. */
  provisionedGbSeconds: number;
  total: number;
  perMillionRequests: number;
  perHour: number;
  currency: string;
  prices: string;
}

/** Meters each simulated execution with requestCost(); the provisioned instances' allocation is added at the end. */
export class CostMeter {
  private executed = 0;
  private billedGbS = 0;
  private requests = 0;

  constructor(private readonly memoryMb: number, private readonly prices: Prices) {}

  readonly onExecution = (serviceUs: number, provisioned: boolean, startUs: number): void => {
    const ms = (serviceUs + (this.prices.billInit ? startUs : 0)) / 1000;
    this.requests++;
    this.executed += requestCost(ms, this.memoryMb, this.prices, { provisioned });
    this.billedGbS += (gbOf(this.memoryMb) * billedMs(ms, this.prices)) / 1000;
  };

  finish(horizonS: number, provisioned: number): PlanCost {
    const idle = provisionedIdleCost(this.memoryMb, horizonS, this.prices, provisioned);
    const total = this.executed + idle;
    return {
      gbSeconds: this.billedGbS,
      provisionedGbSeconds: provisioned * gbOf(this.memoryMb) * horizonS,
      total,
      perMillionRequests: this.requests > 0 ? (total / this.requests) * 1e6 : 0,
      perHour: horizonS > 0 ? (total / horizonS) * 3600 : 0,
      currency: this.prices.currency,
      prices: `${this.prices.source} (${this.prices.asOf})`,
    };
  }
}
