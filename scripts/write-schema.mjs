// Writes the scenario JSON Schema next to the compiled code (dist/scenario.schema.json), so an installed
// package can point editors at it (`# yaml-language-server: $schema=…`) without running coldlab first.
import { writeFileSync } from 'node:fs';

const { scenarioJsonSchema } = await import(new URL('../dist/scenario/jsonSchema.js', import.meta.url).href);
writeFileSync(new URL('../dist/scenario.schema.json', import.meta.url), `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
