import { ColdlabError, EXIT } from '../../util/errors.js';
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

/** Fails before any instance starts when the engine lacks the OCI runtime a variant names; returns the name (or undefined = engine default). */
export async function requireOciRuntime(name: string | undefined): Promise<string | undefined> {
  if (name === undefined || name === '') return undefined;
  const available = await listOciRuntimes();
  if (available.includes(name)) return name;
  throw new ColdlabError(
    'OCI_RUNTIME_UNAVAILABLE',
    `the Docker engine has no OCI runtime "${name}"`,
    `available: ${available.join(', ') || 'none'}; use one of them in matrix.ociRuntime, or install ${name} and register it under "runtimes" in /etc/docker/daemon.json (in a coldlab clone, scripts/setup-docker.sh registers crun and runsc)`,
    EXIT.runtimeUnavailable,
  );
}
