import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runOpenLoop } from '../src/load/openLoop.js';

export interface SenderCapability {
  targetRate: number;
  achievedRate: number;
  sendLagP50Us: number;
  sendLagP99Us: number;
  lagGrowing: boolean;
}

/** The open-loop sender against a trivial in-process server: can it hold the rate, and how late does it send? */
export async function benchSender(rate: number, durationMs: number): Promise<SenderCapability> {
  const server = http.createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const run = await runOpenLoop({ kind: 'constant', rate, duration: durationMs }, { url, timeoutMs: 5000, onOutcome: () => undefined });
    return { targetRate: rate, achievedRate: run.achievedRate, sendLagP50Us: run.sendLag.p50Us, sendLagP99Us: run.sendLag.p99Us, lagGrowing: run.sendLag.growing };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
