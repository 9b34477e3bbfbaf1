// A function whose module throws while it is imported: no instance can ever become ready.
const config = JSON.parse(process.env.CONFIG_JSON ?? '{"port":');

export async function handler() {
  return { statusCode: 200, body: JSON.stringify(config) };
}
