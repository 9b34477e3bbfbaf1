import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// The README links into docs/ and bench/: a moved section or a renamed heading must not leave a dead link.
const PAGES = ['README.md', 'bench/README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
const anchorsOf = (page: string): Set<string> =>
  new Set([...readFileSync(page, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));

describe('documentation links', () => {
  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    const dead: string[] = [];
    for (const [, link] of readFileSync(page, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link!)) continue;
      const [path, anchor] = link!.split('#');
      const target = path ? normalize(join(dirname(page), path)) : page;
      if (!existsSync(target)) dead.push(link!);
      else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) dead.push(link!);
    }
    expect(dead).toEqual([]);
  });

  it('the README stays a five-minute read (at most 250 lines)', () => {
    expect(readFileSync('README.md', 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});
