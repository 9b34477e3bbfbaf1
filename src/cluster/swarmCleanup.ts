import { hostname } from 'node:os';
import { docker, engineAnswers, KIND_LABEL, RUN_LABEL } from '../runtimes/container/docker.js';
import { OWNER_LABEL } from '../runtimes/owner.js';
import { judgeOwner } from '../runtimes/ownerIdentity.js';
import { containerRuns } from '../runtimes/container/sweep.js';
import { JOB_KIND, STARTER_LABEL } from './service.js';
import { removeJob } from './swarmJob.js';

interface RawService {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

/**
 * Swarm jobs a coldlab of this machine started and did not remove (it was killed): found by label, and
 * removed with their tasks. A job whose coldlab still runs, or that another machine started, is left alone.
 */
export async function cleanupSwarmJobs(): Promise<string[]> {
  const d = await docker();
  if (!(await engineAnswers(d))) return [];
  const info = (await d.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) return [];
  const services = (await d.listServices({ filters: { label: [`${KIND_LABEL}=${JOB_KIND}`] } })) as RawService[];
  const removed: string[] = [];
  for (const service of services) {
    const labels = service.Spec?.Labels ?? {};
    if (labels[STARTER_LABEL] !== hostname()) continue;
    const verdict = judgeOwner(labels, OWNER_LABEL);
    if (verdict.kind === 'alive' || verdict.kind === 'unknown') continue;
    if (verdict.kind === 'ask-engine' && (await containerRuns(d, verdict.container))) continue;
    await removeJob(d, service.ID, labels[RUN_LABEL] ?? '', 15_000);
    removed.push(`swarm job ${service.Spec?.Name ?? service.ID}`);
  }
  return removed;
}
