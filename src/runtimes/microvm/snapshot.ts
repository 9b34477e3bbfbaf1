import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { nowUs } from '../../util/clock.js';
import { ColdlabError, errorMessage } from '../../util/errors.js';
import { launchGuest } from './boot.js';
import type { QemuLaunch } from './qemu.js';
import { ignoreSharedRam, migrateToFile, Qmp } from './qmp.js';

export interface SnapshotRequest {
  launch: Omit<QemuLaunch, 'hostPort' | 'name'>;
  /** The run's state folder: the snapshot and the QMP socket go there. */
  dir: string;
  /** The variant key: one snapshot per variant. */
  key: string;
  name: string;
  timeoutMs: number;
  /** Lazy: the template's RAM lives in a shared file beside the snapshot, which then holds the device state only. */
  lazy?: boolean;
}

export interface Snapshot {
  file: string;
  bytes: number;
  ms: number;
  /** Lazy: the guest RAM file restored instances map privately. */
  ramFile?: string;
}

/**
 * Boots a template guest until the bootstrap answers, then saves it to a file by migration. Later instances
 * start QEMU with the same devices and `-incoming` that file: they resume where the template was.
 */
export async function saveSnapshot(request: SnapshotRequest): Promise<Snapshot> {
  const id = createHash('sha256').update(request.key).digest('hex').slice(0, 12);
  const file = join(request.dir, `snapshot-${id}.bin`);
  const qmpSocket = join(request.dir, `qmp-${id}.sock`);
  const ramFile = request.lazy ? join(request.dir, `ram-${id}.bin`) : undefined;
  const launch = { ...request.launch, name: request.name, qmpSocket, snapshotSource: true, ...(ramFile ? { ramFile: { path: ramFile, shared: true } } : {}) };
  const guest = await launchGuest({ launch, procsFiles: [], timeoutMs: request.timeoutMs, what: 'the snapshot template' });
  const started = nowUs();
  let qmp: Qmp | undefined;
  try {
    qmp = await Qmp.open(qmpSocket);
    // Paused first: a live migration of a busy emulated guest was seen to save a state whose Node then
    // segfaulted in every restored instance; a stopped guest is saved in one consistent pass.
    if (ramFile) await ignoreSharedRam(qmp);
    await qmp.execute('stop');
    await migrateToFile(qmp, file, 120_000);
    const bytes = (await stat(file)).size + (ramFile ? (await stat(ramFile)).size : 0);
    return { file, bytes, ms: (nowUs() - started) / 1000, ...(ramFile ? { ramFile } : {}) };
  } catch (error) {
    throw new ColdlabError('MICROVM_SNAPSHOT_FAILED', `saving the snapshot failed: ${errorMessage(error)}`, 'run with microvmStart: boot; check free space in the temp folder', undefined, { cause: error });
  } finally {
    qmp?.close();
    guest.qemu.child.kill('SIGKILL');
    await guest.qemu.exit;
  }
}
