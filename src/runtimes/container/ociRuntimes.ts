import { docker, engineAnswers } from './docker.js';

/** OCI runtimes the engine knows (e.g. runc, crun); [] when no engine answers. */
export async function listOciRuntimes(): Promise<string[]> {
  const d = await docker();
  if (!(await engineAnswers(d))) return [];
  const info: { Runtimes?: Record<string, unknown> } = await d.info();
  return Object.keys(info.Runtimes ?? {})
    .filter((name) => !name.startsWith('io.containerd.'))
    .sort();
}

/** The OCI runtime a variant asks for: prepared data first, then COLDLAB_OCI_RUNTIME; undefined = engine default. */
export function chosenOciRuntime(data: Record<string, unknown>): string | undefined {
  const fromData = data.ociRuntime;
  if (typeof fromData === 'string' && fromData) return fromData;
  return process.env.COLDLAB_OCI_RUNTIME || undefined;
}
