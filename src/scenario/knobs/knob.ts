import type { z } from 'zod';
import type { RuntimeName } from '../runtimeNames.js';

/**
 * A matrix key only one runtime understands (an OCI runtime, a microVM start mode…): its schema, its default,
 * and how a variant shows it. Each runtime declares its own in scenario/knobs/<runtime>.ts; other runtimes
 * of the same scenario get one cell for it, and the key is refused when the runtime is not in the scenario.
 */
export interface RuntimeKnob<S extends z.ZodType = z.ZodType> {
  runtime: RuntimeName;
  /** One value's schema; the matrix takes one value or a list. */
  schema: S;
  description: string;
  /** The value a variant of this runtime gets when the matrix leaves the key out; absent = the key stays absent. */
  fallback?: z.output<S>;
  /** The variant key's segment for a value, e.g. "oci=crun". */
  keyPart(value: z.output<S>): string;
  /** Words in the runtime's label, e.g. "crun" in "container (crun)"; undefined = nothing to say. */
  label(value: z.output<S>): string | undefined;
  /** The detail row name and its text, e.g. ['OCI runtime', 'crun']. */
  detail: readonly [name: string, text: (value: z.output<S>) => string];
}

/** Declares a knob with its value type checked against its schema. */
export const knob = <S extends z.ZodType>(k: RuntimeKnob<S>): RuntimeKnob<S> => k;
