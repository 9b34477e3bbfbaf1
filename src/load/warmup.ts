import http from 'node:http';
import { H } from '../platform/protocol.js';
import { newAgent, sendOnce } from './httpSend.js';

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
  const agent = newAgent();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const batch = Array.from({ length: PER_ROUND }, () => sendOnce(url, agent, 0, 2_000, () => {}).done);
      await Promise.all(batch);
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
