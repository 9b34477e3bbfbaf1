import { describe, expect, it } from 'vitest';
import { OWNER_LABEL } from '../../src/runtimes/owner.js';
import { cgroupName, cgroupOwnerAlive, containerIdOf, formatOwner, judgeOwner, OWNER_ID_LABEL, ownIdentity, parseOwner, type OwnerIdentity } from '../../src/runtimes/ownerIdentity.js';

// The pid check is a parameter: these cases need a pid that is alive and one that is not, in a namespace of our choosing.
const LIVE = 101;
const pidAlive = (pid: number): boolean => pid === LIVE;
const BOOT = '5ee26060-bece-4bb2-b1d2-72ad1222825d';
const HOST: OwnerIdentity = { pid: 1, pidns: '4026531836', boot: BOOT, container: '', inContainer: false };
const TASK_ID = 'a'.repeat(64);
const TASK: OwnerIdentity = { pid: 7, pidns: '4026532999', boot: BOOT, container: TASK_ID, inContainer: true };

const labelsOf = (owner: Omit<OwnerIdentity, 'inContainer'>): Record<string, string> => ({ [OWNER_LABEL]: String(owner.pid), [OWNER_ID_LABEL]: formatOwner({ ...owner, inContainer: false }) });
const judge = (labels: Record<string, string>, me: OwnerIdentity) => judgeOwner(labels, OWNER_LABEL, me, pidAlive);

describe('owner judgement across pid namespaces (runtimes/ownerIdentity.ts)', () => {
  it('an owner of my own namespace is judged by its pid: alive or dead', () => {
    expect(judge(labelsOf({ ...HOST, pid: LIVE }), HOST)).toEqual({ kind: 'alive' });
    expect(judge(labelsOf({ ...HOST, pid: 102 }), HOST)).toEqual({ kind: 'dead' });
    expect(judge(labelsOf({ ...TASK, pid: LIVE }), TASK)).toEqual({ kind: 'alive' });
    expect(judge(labelsOf({ ...TASK, pid: 102 }), TASK)).toEqual({ kind: 'dead' });
  });

  it('an owner that ran in another container: the engine is asked about that container', () => {
    expect(judge(labelsOf({ ...TASK, pid: LIVE }), HOST)).toEqual({ kind: 'ask-engine', container: TASK_ID });
    const other = 'b'.repeat(64);
    expect(judge(labelsOf({ ...TASK, pid: 102, pidns: '4026533000', container: other }), TASK)).toEqual({ kind: 'ask-engine', container: other });
  });

  it('an owner it cannot judge is left alone: another namespace with no container, a bare pid seen from a container', () => {
    // The host's coldlab seen from a task: its pid means nothing here, whatever this namespace says of it.
    expect(judge(labelsOf({ ...HOST, pid: 102 }), TASK).kind).toBe('unknown');
    expect(judge(labelsOf({ ...HOST, pid: LIVE }), TASK).kind).toBe('unknown');
    expect(judge({ [OWNER_LABEL]: '102' }, TASK).kind).toBe('unknown');
    expect(judge({ [OWNER_LABEL]: '102', [OWNER_ID_LABEL]: 'pid:102' }, HOST).kind).toBe('unknown');
  });

  it('a bare pid (written before identities) is judged by pid on the host; another boot id means the owner is gone', () => {
    expect(judge({ [OWNER_LABEL]: String(LIVE) }, HOST)).toEqual({ kind: 'alive' });
    expect(judge({ [OWNER_LABEL]: '102' }, HOST)).toEqual({ kind: 'dead' });
    expect(judge({}, HOST)).toEqual({ kind: 'dead' });
    expect(judge(labelsOf({ ...HOST, pid: LIVE, boot: 'another-boot' }), HOST)).toEqual({ kind: 'dead' });
    expect(judge(labelsOf({ ...TASK, boot: 'another-boot' }), HOST)).toEqual({ kind: 'dead' });
  });

  it('the label survives a round trip, and this process is alive by its own judgement', () => {
    const me = ownIdentity();
    expect(me.pid).toBe(process.pid);
    expect(me.boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.pidns).toMatch(/^\d+$/);
    expect(parseOwner(formatOwner(me))).toEqual({ pid: me.pid, pidns: me.pidns, boot: me.boot, container: me.container });
    expect(judgeOwner({ [OWNER_ID_LABEL]: formatOwner(me) }, OWNER_LABEL)).toEqual({ kind: 'alive' });
  });

  it('a container finds its own id in the engine\'s bind mounts', () => {
    const line = `612 590 254:1 /var/lib/docker/containers/${TASK_ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw\n`;
    expect(containerIdOf(`1 0 0:1 / / rw - overlay overlay rw\n${line}`)).toBe(TASK_ID);
    expect(containerIdOf('22 1 0:21 / /proc rw - proc proc rw\n')).toBe('');
  });
});

describe('cgroup names carry the same identity (process and wasm runtimes, `--host-cgroups`)', () => {
  it('a group of my namespace is judged by pid, another namespace\'s is kept, a bare pid is kept from inside a container', () => {
    const alive = (name: string, me: OwnerIdentity) => cgroupOwnerAlive(name, me, pidAlive);
    expect(alive(`coldlab-p${LIVE}n${HOST.pidns}-run-i1`, HOST)).toBe(true);
    expect(alive(`coldlab-p102n${HOST.pidns}-run-i1`, HOST)).toBe(false);
    expect(alive(`coldlab-p102n${TASK.pidns}-run-i1`, HOST)).toBe(true);
    expect(alive(`coldlab-p102n${HOST.pidns}-run-i1`, TASK)).toBe(true);
    expect(alive('coldlab-p102-run-i1', HOST)).toBe(false);
    expect(alive('coldlab-p102-run-i1', TASK)).toBe(true);
    expect(alive('coldlab-old-i1', HOST)).toBe(false);
    expect(cgroupName('run', 'i1')).toBe(`coldlab-p${process.pid}n${ownIdentity().pidns}-run-i1`);
  });
});
