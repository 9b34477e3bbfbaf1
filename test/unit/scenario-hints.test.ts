import { describe, expect, it } from 'vitest';
import { suggest, unknownKeyHint, allowedKeysAt } from '../../src/scenario/hints.js';

const MATRIX = allowedKeysAt(['matrix'], {});

describe('key suggestions', () => {
  it('matches case slips, typos and abbreviations', () => {
    expect(suggest('memoryMB', MATRIX)).toBe('memoryMb');
    expect(suggest('maxInstanes', MATRIX)).toBe('maxInstances');
    expect(suggest('provisioned', MATRIX)).toBe('provisionedConcurrency');
    expect(suggest('keepalive', MATRIX)).toBe('keepAliveMs');
  });

  it('does not suggest a key that is merely short and similar', () => {
    expect(suggest('rate', ['name', 'kind', 'connections', 'duration'])).toBeUndefined();
    expect(suggest('pr', MATRIX)).toBeUndefined();
  });

  it('lists the keys of the phase kind when nothing is close', () => {
    const allowed = allowedKeysAt(['phases', 0], { kind: 'idle' });
    expect(allowed).toEqual(['name', 'kind', 'duration']);
    expect(unknownKeyHint('size', allowed, 'idle')).toBe('"size" belongs to burst phases; an idle phase takes: name, kind, duration');
  });
});
