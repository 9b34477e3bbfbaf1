import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

// Debian's prometheus, unpacked by scripts/test-env.sh (apt-get download + dpkg -x): no service runs.
const bin = resolve('.cache/prometheus/usr/bin');
const present = existsSync(join(bin, 'prometheus'));
if (!present && process.env.CI === 'true') throw new Error(`Prometheus is missing at ${bin}: run scripts/test-env.sh (npm test runs it as pretest)`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe.skipIf(!present)('--metrics-port against a real Prometheus', () => {
  it('serves OpenMetrics on 127.0.0.1 while the run goes; Prometheus scrapes it and answers a PromQL query', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldlab-prom-'));
    const [metricsPort, promPort] = [await freePort(), await freePort()];
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: coldlab\n    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]\n`,
    );
    const prometheus = execa(join(bin, 'prometheus'), [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { reject: false, all: true });
    const io = captureIO();
    const run = main(['run', 'test/data/gate/metrics.yaml', '-o', join(dir, 'out'), '-q', '--metrics-port', String(metricsPort)], io);
    try {
      // The exposition itself, linted by promtool while the run serves it.
      let exposition = '';
      for (let i = 0; i < 40 && !exposition.includes('coldlab_requests_total'); i++) {
        await sleep(250);
        exposition = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), () => '');
      }
      expect(exposition).toMatch(/^# TYPE coldlab_invocation_duration_seconds histogram$/m);
      expect(exposition).toContain('# EOF');
      const lint = await execa(join(bin, 'promtool'), ['check', 'metrics'], { input: exposition, reject: false, all: true });
      expect(lint.all).not.toMatch(/error/i);

      // PromQL over what Prometheus scraped: requests answered warm, per start kind, and a cold start.
      const query = async (q: string): Promise<number | undefined> => {
        const body = (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`).then((r) => r.json(), () => ({}))) as { data?: { result?: Array<{ value: [number, string] }> } };
        const value = body.data?.result?.[0]?.value[1];
        return value === undefined ? undefined : Number(value);
      };
      let warm: number | undefined;
      for (let i = 0; i < 60 && !(warm !== undefined && warm > 5); i++) {
        await sleep(500);
        warm = await query('sum(coldlab_invocation_duration_seconds_count{start="warm"})');
      }
      expect(warm).toBeGreaterThan(5);
      expect(await query('sum(coldlab_cold_starts_total)')).toBeGreaterThanOrEqual(1);
      expect(await query('max(coldlab_instances_alive)')).toBeGreaterThanOrEqual(1);
      expect(await run).toBe(0);
    } finally {
      await run.catch(() => undefined);
      prometheus.kill('SIGTERM');
      await prometheus;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
