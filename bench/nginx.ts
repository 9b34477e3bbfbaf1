// A production reverse proxy in front of the same instance, as the gateway's baseline (issue 13, point 1):
// Debian's nginx, started by the bench with its own config in a temporary folder, `proxy_pass` to an
// upstream with keep-alive connections, one worker (the gateway is one Node thread too), on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Nginx {
  url: string;
  /** CPU time nginx (master and workers) has used so far, µs; clock-tick resolution (10 ms). */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** utime + stime of one process from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name). */
async function processCpuUs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_US;
}

async function treeCpuUs(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number);
  const own = await processCpuUs(pid);
  return own + (await Promise.all(children.map(processCpuUs))).reduce((a, b) => a + b, 0);
}

/** Where Debian puts nginx; undefined when it is not installed. */
export function nginxBinary(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
}

// nginx cannot listen on port 0: take a free port from the kernel and hand it over (a tiny race, fine for a bench).
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string, port: number, upstream: URL): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream fn {
    server ${upstream.hostname}:${upstream.port};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://fn;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts nginx in front of upstreamUrl; stop() ends it and removes its folder. */
export async function startNginx(binary: string, upstreamUrl: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'coldlab-nginx-'));
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), config(dir, port, new URL(upstreamUrl)));
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await answers(port)) return { url: `http://127.0.0.1:${port}`, cpuUs: () => treeCpuUs(child.pid ?? 0), stop };
    await sleep(20);
  }
  const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
  await stop();
  throw new Error(`nginx did not start on 127.0.0.1:${port}: ${log.trim().split('\n').slice(-3).join(' | ') || 'no log'}`);
}
