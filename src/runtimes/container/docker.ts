import type Dockerode from 'dockerode';
import { withTimeout } from '../../util/timeout.js';

export type Docker = Dockerode;

/** Labels on everything coldlab creates in the engine, so a run (or a crash) can be cleaned up. */
export const LABEL = 'coldlab';
export const RUN_LABEL = 'coldlab.run';
export const KIND_LABEL = 'coldlab.kind';

let client: Promise<Docker> | undefined;

// dockerode (and its ssh/http stack) loads only when a container run or `doctor` needs it.
export function docker(): Promise<Docker> {
  client ??= import('dockerode').then(({ default: Ctor }) => new Ctor());
  return client;
}

/** Where the engine is expected, for messages. */
export function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/** Waits for a pull/push/build progress stream; the engine reports failures as {error} events, not HTTP errors. */
export async function followStream(d: Docker, stream: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> {
  const events = await new Promise<unknown[]>((resolve, reject) => {
    d.modem.followProgress(stream, (error: Error | null, result: unknown[]) => (error ? reject(error) : resolve(result)));
  });
  const objects = events.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  const failed = objects.find((e) => typeof e.error === 'string' || typeof e.errorDetail === 'object');
  if (failed) throw new Error(String(failed.error ?? JSON.stringify(failed.errorDetail)));
  return objects;
}

/** True when the engine answers a ping within ms. */
export async function engineAnswers(d: Docker, ms = 2000): Promise<boolean> {
  try {
    await withTimeout(d.ping(), ms, undefined, () => new Error('ping timed out'));
    return true;
  } catch {
    return false;
  }
}

/** HTTP status of a dockerode error (404 = no such object), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = (error as { statusCode?: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/** Docker tags allow [A-Za-z0-9_.-], up to 128 characters. */
export function tagSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 100);
}
