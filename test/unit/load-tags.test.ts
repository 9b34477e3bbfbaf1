import { describe, expect, it } from 'vitest';
import { gatewayErrorOf, parseTags } from '../../src/load/tags.js';
import { classifyRaw, classifyResponse } from '../../src/load/classify.js';

const cold = {
  'x-coldlab-start': 'cold',
  'x-coldlab-cold-reason': 'keepalive-expired',
  'x-coldlab-instance': 'i3',
  'x-coldlab-init-ms': '12.500',
  'x-coldlab-start-ms': '80.250',
  'x-coldlab-queue-us': '81000',
};

describe('parseTags', () => {
  it('reads every gateway header of a cold response', () => {
    expect(parseTags(cold)).toEqual({ startKind: 'cold', coldReason: 'keepalive-expired', instanceId: 'i3', initMs: 12.5, startMs: 80.25, queueUs: 81_000 });
  });

  it('reads a warm response', () => {
    expect(parseTags({ 'x-coldlab-start': 'warm', 'x-coldlab-instance': 'i1', 'x-coldlab-queue-us': '4' })).toEqual({ startKind: 'warm', instanceId: 'i1', queueUs: 4 });
  });

  it('says nothing for a response without a valid start kind, rather than guessing warm', () => {
    expect(parseTags({ 'content-type': 'text/plain' })).toBeUndefined();
    expect(parseTags({ 'x-coldlab-start': 'lukewarm' })).toBeUndefined();
  });

  it('drops malformed numbers and unknown reasons instead of inventing values', () => {
    expect(parseTags({ 'x-coldlab-start': 'cold', 'x-coldlab-cold-reason': 'boredom', 'x-coldlab-init-ms': 'soon', 'x-coldlab-queue-us': '-5' })).toEqual({ startKind: 'cold' });
  });

  it('finds the gateway error even when the gateway sent no start kind', () => {
    const headers = { 'x-coldlab-gateway-error': 'no-instance' };
    expect(parseTags(headers)).toBeUndefined();
    expect(gatewayErrorOf(headers)).toBe('no-instance');
  });
});

describe('classifyResponse', () => {
  it('a 2xx without gateway error is a success and keeps its tags', () => {
    expect(classifyResponse(200, cold)).toMatchObject({ ok: true, status: 200, tags: { startKind: 'cold' } });
    expect(classifyResponse(204, {})).toEqual({ ok: true, status: 204 });
  });

  it('a non-2xx is http-<status>, a gateway error is gateway:<kind> whatever the status', () => {
    expect(classifyResponse(500, { 'x-coldlab-start': 'warm' })).toMatchObject({ ok: false, errorKind: 'http-500', tags: { startKind: 'warm' } });
    expect(classifyResponse(503, { 'x-coldlab-gateway-error': 'start-failed' })).toEqual({ ok: false, status: 503, errorKind: 'gateway:start-failed' });
    expect(classifyResponse(200, { 'x-coldlab-gateway-error': 'upstream' }).ok).toBe(false);
  });

  it('reads a raw header list whatever the case of its names, the first of a repeated header winning', () => {
    const raw = ['Date', 'x', 'X-Coldlab-Start', 'warm', 'x-coldlab-start', 'cold', 'X-COLDLAB-INSTANCE', 'i3', 'X-Other', 'y', 'odd'];
    expect(classifyRaw(200, raw)).toEqual({ ok: true, status: 200, tags: { startKind: 'warm', instanceId: 'i3' } });
    expect(classifyRaw(502, ['X-Coldlab-Gateway-Error', 'upstream'])).toEqual({ ok: false, status: 502, errorKind: 'gateway:upstream' });
    expect(classifyRaw(204, [])).toEqual({ ok: true, status: 204 });
  });
});
