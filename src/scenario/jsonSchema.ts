import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** JSON Schema of what a user writes (the input side: durations as strings, defaults optional), for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'coldlab scenario',
  };
}
