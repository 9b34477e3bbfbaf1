import type { IO } from './io.js';
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { EXIT } from '../util/errors.js';

export function schemaCommand(io: IO): number {
  io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
