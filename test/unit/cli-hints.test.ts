import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { program } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

// Every `coldlab <command> --option` a message or hint names in the sources (and in the README and docs/).
function named(): string[] {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const pages = ['README.md', 'bench/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const text = [...files('src'), ...pages].map((f) => readFileSync(f, 'utf8')).join('\n');
  return [...text.matchAll(/`coldlab ([a-z][a-z0-9-]*)((?: +-{1,2}[a-z-]+)*)/g)].map((m) => `${m[1]}${m[2] ?? ''}`);
}

describe('hints name commands and options that exist', () => {
  const cli = program(captureIO(), () => undefined);
  it.each([...new Set(named())])('coldlab %s', (usage) => {
    const [name, ...options] = usage.split(/ +/);
    const command = cli.commands.find((c) => c.name() === name);
    expect(command, `no command "${name}"`).toBeDefined();
    for (const option of options) expect(option === '--help' || command?.options.some((o) => o.long === option || o.short === option), `${name} has no ${option}`).toBe(true);
  });

  it('every command takes --verbose, which the internal-error hint suggests', () => {
    for (const command of cli.commands) expect(command.options.some((o) => o.long === '--verbose'), command.name()).toBe(true);
  });
});
