// A function whose init takes INIT_MS (default 800) on any host: a cold start surely longer than a short
// ack wait, so the event tests' redeliveries do not depend on how fast this machine is.
await new Promise((resolve) => setTimeout(resolve, Number(process.env.INIT_MS ?? 800)));

export async function handler(event, context) {
  return { statusCode: 200, body: JSON.stringify({ id: context.requestId, instance: context.instanceId, bytes: event.body.length }) };
}
