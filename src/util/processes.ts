import { createServer } from 'node:net';
import { execa } from 'execa';

let pdeathsig: Promise<string[]> | undefined;

/**
 * `setpriv --pdeathsig KILL --` where util-linux's setpriv works: a command run behind it is SIGKILLed by the kernel
 * when coldlab dies, even by kill -9. Empty where setpriv is missing (the leftover sweeps find what is left).
 */
export function deathSignalPrefix(): Promise<string[]> {
  pdeathsig ??= execa('setpriv', ['--pdeathsig', 'KILL', '--', 'true']).then(() => ['setpriv', '--pdeathsig', 'KILL', '--'], () => []);
  return pdeathsig;
}

/** A loopback port free right now, for a child server to listen on (a caller retries if it got taken meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
