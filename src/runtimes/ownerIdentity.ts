import { readFileSync, readlinkSync } from 'node:fs';
import { ownerAlive } from './owner.js';

/**
 * Label naming the coldlab process that created a container, image or swarm job in terms valid across
 * pid namespaces: a pid means something only in its own namespace, so the namespace goes with it, the
 * kernel's boot id says which boot (and machine) the pid belongs to, and a coldlab running inside a
 * container (a swarm task) names that container, which any other coldlab can ask the engine about.
 */
export const OWNER_ID_LABEL = 'coldlab.owner';

export interface OwnerIdentity {
  pid: number;
  /** Inode of the pid namespace (`readlink /proc/self/ns/pid` → pid:[4026531836]); '' when unreadable. */
  pidns: string;
  /** /proc/sys/kernel/random/boot_id: the same in every container of one kernel, new at each boot. */
  boot: string;
  /** Id of the container this coldlab runs in; '' when it runs on the host (or the id could not be found). */
  container: string;
  /** True when this coldlab runs inside a container of a Docker engine (its id was found). */
  inContainer: boolean;
}

function read(path: string, how: (path: string) => string): string {
  try {
    return how(path).trim();
  } catch {
    return '';
  }
}

// The engine bind-mounts /etc/hostname, /etc/hosts and /etc/resolv.conf from its folder for the container,
// on cgroup v1 and v2 alike (a private cgroup namespace hides the id from /proc/self/cgroup).
export function containerIdOf(mountinfo: string): string {
  return /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/.exec(mountinfo)?.[1] ?? '';
}

let self: OwnerIdentity | undefined;

export function ownIdentity(): OwnerIdentity {
  if (self?.pid === process.pid) return self;
  const container = containerIdOf(read('/proc/self/mountinfo', (p) => readFileSync(p, 'utf8')));
  self = {
    pid: process.pid,
    pidns: /\[(\d+)\]/.exec(read('/proc/self/ns/pid', readlinkSync))?.[1] ?? '',
    boot: read('/proc/sys/kernel/random/boot_id', (p) => readFileSync(p, 'utf8')),
    container,
    // Not /.dockerenv: some hosts carry one (this one does) while running their own engine.
    inContainer: container !== '',
  };
  return self;
}

/** The label's value: `pid:123,pidns:4026531836,boot:<uuid>[,container:<id>]` (no spaces: it goes into a Dockerfile LABEL too). */
export function formatOwner(id: OwnerIdentity = ownIdentity()): string {
  return [`pid:${id.pid}`, `pidns:${id.pidns}`, `boot:${id.boot}`, ...(id.container ? [`container:${id.container}`] : [])].join(',');
}

export function parseOwner(text: string | undefined): Omit<OwnerIdentity, 'inContainer'> | undefined {
  if (!text) return undefined;
  const fields = new Map(text.split(',').map((part) => [part.slice(0, part.indexOf(':')), part.slice(part.indexOf(':') + 1)] as const));
  const pid = Number(fields.get('pid'));
  if (!(pid > 0)) return undefined;
  return { pid, pidns: fields.get('pidns') ?? '', boot: fields.get('boot') ?? '', container: fields.get('container') ?? '' };
}

/** What can be said of an owner from here: the engine must be asked about one that lives in another container. */
export type OwnerVerdict = { kind: 'alive' } | { kind: 'dead' } | { kind: 'unknown'; why: string } | { kind: 'ask-engine'; container: string };

/**
 * Judges the owner a label names, from the point of view of `me`:
 * - another boot id: the owner ran before this kernel's last reboot, so it is gone (the container runtime
 *   reaches its instances on the engine host's loopback, so an owner always shares the engine's kernel);
 * - in another container: only the engine knows whether that container still runs;
 * - in my pid namespace: judged by its pid;
 * - anything else (another namespace with no container named, a bare pid label seen from inside a
 *   container, an unreadable label): unknown, and left alone.
 */
export function judgeOwner(labels: Record<string, string>, pidLabel: string, me: OwnerIdentity = ownIdentity(), pidAlive: (pid: number) => boolean = ownerAlive): OwnerVerdict {
  const owner = parseOwner(labels[OWNER_ID_LABEL]);
  if (!owner) {
    // Written before owners had identities: a pid, valid only on the host it was taken in.
    const pid = Number(labels[pidLabel]);
    if (!(pid > 0)) return { kind: 'dead' };
    if (me.inContainer) return { kind: 'unknown', why: `owner pid ${pid} without a namespace, seen from inside a container` };
    return pidAlive(pid) ? { kind: 'alive' } : { kind: 'dead' };
  }
  if (owner.boot && me.boot && owner.boot !== me.boot) return { kind: 'dead' };
  if (owner.container && owner.container !== me.container) return { kind: 'ask-engine', container: owner.container };
  if (owner.pidns && owner.pidns === me.pidns && (!owner.boot || owner.boot === me.boot)) return pidAlive(owner.pid) ? { kind: 'alive' } : { kind: 'dead' };
  return { kind: 'unknown', why: `owner pid ${owner.pid} lives in pid namespace ${owner.pidns || '?'}, not this one (${me.pidns || '?'})` };
}

/**
 * Process- and wasm-runtime cgroups carry their owner in their name: coldlab-p<pid>n<pidns>-<run>-<instance>.
 * With the node's tree mounted into a swarm task (`--host-cgroups`), coldlabs of several pid namespaces
 * share one tree, and a sweep empties (kills) the groups it takes for leftovers.
 */
export function cgroupName(runId: string, instanceId: string): string {
  const me = ownIdentity();
  return `coldlab-p${me.pid}${me.pidns ? `n${me.pidns}` : ''}-${runId}-${instanceId}`;
}

/** False only when the group's owner is surely gone: names of an older form (no pid) always are; another namespace's are kept. */
export function cgroupOwnerAlive(name: string, me: OwnerIdentity = ownIdentity(), pidAlive: (pid: number) => boolean = ownerAlive): boolean {
  const match = /^coldlab-p(\d+)(?:n(\d+))?-/.exec(name);
  if (!match) return false;
  const labels: Record<string, string> = match[2] ? { [OWNER_ID_LABEL]: `pid:${match[1]},pidns:${match[2]}` } : { pid: match[1] ?? '' };
  return judgeOwner(labels, 'pid', me, pidAlive).kind !== 'dead';
}
