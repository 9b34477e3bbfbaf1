import { z } from 'zod';

/** The scenario's `advice:` section: what the recommendations aim for. */
export const adviceSchema = z.strictObject({
  balancedWeight: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .meta({ description: 'Balanced memory pick: weight of cost against P99 (1 = cost only, 0 = P99 only), as AWS Lambda Power Tuning' }),
  p99Of: z
    .enum(['warm', 'all'])
    .default('warm')
    .meta({ description: 'Which P99 the memory picks compare: warm requests (execution, as Power Tuning) or all requests, cold ones included' }),
  p99TargetMs: z
    .number()
    .positive()
    .max(3_600_000)
    .optional()
    .meta({ description: 'P99 latency target, ms: memory picks compare it with the P99 they rank by (p99Of), the warm pool with the P99 of its phase, cold starts included; what misses it is shown as missing it' }),
  warmPoolPhase: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Phase the warm pool must keep free of cold starts (default: every phase)' }),
});

export type AdviceSettings = z.output<typeof adviceSchema>;
export const DEFAULT_ADVICE: AdviceSettings = Object.freeze({ balancedWeight: 0.5, p99Of: 'warm' });
