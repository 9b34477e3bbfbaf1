import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Bundle } from './bundle.js';
import { writeFileAtomic } from '../results/store.js';

/**
 * The job's way home, with no shared filesystem: a small HTTP server coldlab opens on the machine that
 * starts the job. Tasks fetch the scenario's files from it and send back their results.json (or why
 * they could not), each request carrying the job's random token. It lives as long as the job.
 */
export interface ShardReport {
  /** Path of the results.json the shard sent, if it sent one. */
  results?: string;
  /** Why the shard could not finish, in its own words. */
  failure?: string;
}

export interface Collector {
  url: string;
  token: string;
  reports: Map<number, ShardReport>;
  close(): Promise<void>;
}

const MAX_BODY = 512 * 1024 * 1024;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const authorized = (req: IncomingMessage, token: string): boolean => {
  const given = Buffer.from(String(req.headers.authorization ?? ''));
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
};

export async function openCollector(options: { host: string; dir: string; bundle: Bundle; onProgress?(shard: number, line: string): void }): Promise<Collector> {
  const token = randomBytes(24).toString('hex');
  const reports = new Map<number, ShardReport>();
  const bundleText = JSON.stringify(options.bundle);
  await mkdir(options.dir, { recursive: true });
  const server: Server = createServer((req, res) => {
    const reply = (status: number, text = ''): void => void res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    if (!authorized(req, token)) return reply(401, 'wrong or missing token\n');
    const route = /^\/shard\/(\d+)\/(results|failure|progress)$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/bundle') return void res.writeHead(200, { 'content-type': 'application/json' }).end(bundleText);
    if (req.method !== 'POST' || !route) return reply(404, 'no such route\n');
    const shard = Number(route[1]);
    const kind = route[2];
    body(req)
      .then(async (data) => {
        const report = reports.get(shard) ?? {};
        if (kind === 'results') {
          const file = join(options.dir, `shard-${shard}`, 'results.json');
          await writeFileAtomic(file, data.toString('utf8'));
          report.results = file;
        } else if (kind === 'failure') {
          report.failure = data.toString('utf8').slice(0, 8192);
        } else {
          options.onProgress?.(shard, data.toString('utf8').slice(0, 500));
        }
        reports.set(shard, report);
        reply(204);
      })
      .catch((error: unknown) => reply(400, `${error instanceof Error ? error.message : String(error)}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    token,
    reports,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
