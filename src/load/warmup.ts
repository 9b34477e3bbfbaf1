import http from 'node:http';
import { H } from '../results/gatewayTags.js';
import { nowUs } from '../util/clock.js';
import { RequestSender } from './httpSend.js';
import { ConnectionPool } from './connections.js';

// Enough requests for V8 to optimise the send/parse/classify path; about 0.1–0.3 s once per process.
const ROUNDS = 20;
const PER_ROUND = 50;

let warmed: Promise<void> | undefined;

/**
 * The first requests a Node process sends run through cold, unoptimised code: measured on a 2-core box
 * they take hundreds of ms instead of a fraction of one. Those first requests are exactly the cold starts
 * under study, so the sender warms itself once per process against a private loopback server first.
 */
export function warmUpSender(): Promise<void> {
  warmed ??= warmUp().catch(() => undefined);
  return warmed;
}

async function warmUp(): Promise<void> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { [H.startKind]: 'warm', [H.queueUs]: '1', 'content-length': 2 });
    response.end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = new URL(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
  const pool = new ConnectionPool(url.origin);
  const sender = new RequestSender(url, pool, 2_000, () => undefined);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < PER_ROUND; i++) sender.send(nowUs());
      await sender.settle(2_000);
    }
  } finally {
    sender.close();
    await pool.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
