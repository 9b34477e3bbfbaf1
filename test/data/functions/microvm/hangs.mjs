// Never finishes its init: the guest never answers, and must be killed at the start timeout.
console.error('microvm-fixture: init hangs on purpose');
await new Promise(() => {});
export async function handler() {
  return { statusCode: 200, body: 'unreachable' };
}
