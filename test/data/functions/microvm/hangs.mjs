// Never finishes its init: the guest never answers, and must be killed at the start timeout.
console.error('microvm-fixture: init hangs on purpose');
// A timer keeps Node alive: an unsettled top-level await alone makes Node exit (code 13) instead of hanging.
await new Promise(() => setInterval(() => {}, 1000));
export async function handler() {
  return { statusCode: 200, body: 'unreachable' };
}
