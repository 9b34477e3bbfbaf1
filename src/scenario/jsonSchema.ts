import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** JSON Schema of what a user writes (the input side: durations as strings, defaulted keys optional), for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'coldlab scenario',
    description: 'A coldlab benchmark: one function, the runtimes and knobs to try, and the load phases to drive',
    ...generated,
  };
}
