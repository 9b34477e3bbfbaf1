import { afterAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { resolve } from 'node:path';
import { HTTPParser } from 'http-parser-js';
import { WasmRuntime } from '../../src/runtimes/wasm/runtime.js';
import { expandVariants } from '../../src/scenario/matrix.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { Instance, Prepared } from '../../src/runtimes/types.js';
import type { Variant } from '../../src/scenario/variant.js';

// Real modules (built from fixtures/wasm by the test setup) through the real wasm runtime: host process, cgroup,
// worker threads, node:wasi. Invariants only, no timings.
const runtime = new WasmRuntime();
const runId = `wasm-it-${process.pid}`;
const fixture = (name: string) => resolve('fixtures/wasm', name);

function variantsOf(wasm: string, matrix: string): { fn: ReturnType<typeof parseScenarioText>['fn']; variants: Variant[] } {
  const text = `name: wasm-it\nfunction: { wasm: ${wasm} }\nruntimes: wasm\nmatrix: ${matrix}\nphases: [{ kind: constant, rate: 5, duration: 1s }]\nrequestTimeoutMs: 1s\n`;
  const loaded = parseScenarioText(text, resolve('scenario.yaml'));
  return { fn: loaded.fn, variants: expandVariants(loaded.scenario, { hostCores: 2 }) };
}

async function startOne(wasm: string, matrix: string): Promise<{ prepared: Prepared; instance: Instance }> {
  const { fn, variants } = variantsOf(wasm, matrix);
  const prepared = await runtime.prepare(fn, variants[0]!, runId);
  const instance = await runtime.start(prepared, { instanceId: `i-${variants[0]!.wasmStart}-${Math.random().toString(36).slice(2, 6)}`, runId });
  return { prepared, instance };
}

afterAll(async () => {
  await runtime.dispose(runId);
});

describe('wasm runtime: start variants', () => {
  it('tells compile, cached and pre-initialized starts apart: a cached start has no compile, a pre-initialized one a smaller init', async () => {
    const starts: Record<string, Instance['start']> = {};
    for (const mode of ['compile', 'cached', 'preinitialized']) {
      const { instance } = await startOne(fixture('heavy-init.c'), `{ memoryMb: 128, wasmStart: ${mode} }`);
      const answer = await fetch(`${instance.url}/lookup?key=7`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('x-coldlab-wasm-instantiate-us')).toMatch(/^\d+$/);
      expect(await answer.json()).toMatchObject({ size: 65536, key: 7 });
      starts[mode] = instance.start;
      await instance.stop();
      expect((await instance.exited).reason).toBe('stopped');
    }
    expect(starts.compile).toMatchObject({ fetchMs: expect.any(Number), compileMs: expect.any(Number), instantiateMs: expect.any(Number), initMs: expect.any(Number) });
    expect(starts.cached?.compileMs).toBeUndefined();
    expect(starts.cached?.fetchMs).toBeUndefined();
    expect(starts.cached?.instantiateMs).toEqual(expect.any(Number));
    expect(starts.preinitialized?.compileMs).toEqual(expect.any(Number));
    // The plain module builds its table in its first run; the snapshot already holds it.
    expect(starts.preinitialized!.initMs!).toBeLessThan(starts.compile!.initMs!);
  });

  it('serves WAGI: CGI variables in, headers and body out, and the same work as the Node fixture', async () => {
    const { prepared, instance } = await startOne(fixture('build/cpu-bound.wasm'), '{ memoryMb: 128, wasmReuse: true }');
    const first = await (await fetch(`${instance.url}/?n=3`)).json();
    const again = await fetch(`${instance.url}/?n=3`);
    expect(await again.json()).toEqual(first);
    // A kept instance is not instantiated again.
    expect(again.headers.get('x-coldlab-wasm-instantiate-us')).toBe('0');
    const nodeFixture: string = '../../fixtures/functions/cpu-bound.mjs';
    const node = (await import(nodeFixture)) as { handler(event: object): Promise<{ body: string }> };
    const expected = await node.handler({ query: { n: '3' } });
    expect(first).toEqual(JSON.parse(expected.body));
    await instance.stop();
    // The variant's notes say how its requests were served, with the host's instantiate and run times.
    expect(prepared.notes.join('\n')).toMatch(/wasm: requests served: 2, one instance reused .*run P50 \d+ µs/);
  });

  it("the host's HTTP server: bodies by length and chunked, HEAD, pipelined requests answered in order on one connection", async () => {
    const { instance } = await startOne(fixture('hello.wat'), '{ memoryMb: 64, wasmStart: cached }');
    const url = new URL(instance.url);
    const path = url.pathname;
    const requests = [
      `POST ${path}/a HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello`,
      `POST ${path}/b HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`,
      `HEAD ${path}/c HTTP/1.1\r\nhost: x\r\n\r\n`,
      `GET ${path}/d HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
    ];
    const answers: Array<{ status: number; body: string }> = [];
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    let body = '';
    let head = false;
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      answers.push({ status: info.statusCode, body: '' });
      // The answer to the HEAD request (the third) has a length and no body.
      head = answers.length === 3;
      return head ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk, start, length) => (body += chunk.subarray(start, start + length).toString());
    parser[HTTPParser.kOnMessageComplete] = () => {
      answers[answers.length - 1]!.body = body;
      body = '';
    };
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write(requests.join('')));
      socket.on('data', (data) => parser.execute(data));
      socket.on('end', () => resolve());
      socket.on('error', reject);
    });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.length > 0)).toEqual([true, true, false, true]);
    expect(JSON.parse(answers[3]!.body)).toEqual({ hello: 'world', runtime: 'wasm' });
    await instance.stop();
  });
});
