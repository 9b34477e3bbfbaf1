import { access } from 'node:fs/promises';
import { execa } from 'execa';
import { ColdlabError, EXIT } from '../util/errors.js';

/**
 * The few programs coldlab calls inside the runner image: the process runtime starts each instance through
 * /bin/sh and drops page cache with a dd loop; the container runtime builds its images with find, cp, mv and tar. Debian's static busybox gives them with no library to copy.
 */
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'dd', 'cat', 'ls', 'mkdir', 'rm', 'sleep', 'env', 'ps', 'tar', 'find', 'cp', 'mv'];

export interface RunnerTools {
  /** In-image path → host path. */
  files: Map<string, string>;
  /** In-image link → its target. */
  links: Map<string, string>;
}

export async function runnerTools(): Promise<RunnerTools> {
  const fix = "install Debian's busybox-static (apt-get install busybox-static)";
  await access(BUSYBOX).catch(() => {
    throw new ColdlabError('IMAGE_NO_BUSYBOX', `${BUSYBOX} is missing: the runner image needs it for its shell`, fix, EXIT.runtimeUnavailable);
  });
  const { stdout, stderr } = await execa('ldd', [BUSYBOX], { reject: false });
  if (!`${stdout}${stderr}`.includes('not a dynamic executable')) {
    throw new ColdlabError('IMAGE_BUSYBOX_DYNAMIC', `${BUSYBOX} is not the static busybox`, fix, EXIT.runtimeUnavailable);
  }
  return { files: new Map([[BUSYBOX, BUSYBOX]]), links: new Map(APPLETS.map((applet) => [`/bin/${applet}`, BUSYBOX])) };
}
