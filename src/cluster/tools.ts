import { access } from 'node:fs/promises';
import { execa } from 'execa';
import { ColdlabError, EXIT } from '../util/errors.js';

/**
 * The few programs coldlab's runtimes call, for the runner image: the process runtime starts instances
 * through /bin/sh, the container runtime stages images with ldd (a bash script), tar, cp and find.
 * Debian's static busybox gives the small ones; bash comes from the host with the libraries ldd names.
 */
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'tar', 'cp', 'find', 'mv', 'rm', 'mkdir', 'cat', 'ls', 'dd', 'sed', 'env', 'sleep', 'ps'];
const HOST_PROGRAMS = ['/bin/bash', '/usr/bin/ldd'];

export interface RunnerTools {
  /** In-image path → host path. */
  files: Map<string, string>;
  /** In-image link → its target. */
  links: Map<string, string>;
}

async function isStatic(path: string): Promise<boolean> {
  const { stdout, stderr } = await execa('ldd', [path], { reject: false });
  return `${stdout}${stderr}`.includes('not a dynamic executable');
}

async function sharedLibraries(program: string): Promise<string[]> {
  const { stdout } = await execa('ldd', [program], { reject: false });
  return stdout.split('\n').flatMap((line) => {
    const path = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    return path ? [path] : [];
  });
}

export async function runnerTools(): Promise<RunnerTools> {
  await access(BUSYBOX).catch(() => {
    throw new ColdlabError('IMAGE_NO_BUSYBOX', `${BUSYBOX} is missing: the runner image needs it for its shell and tools`, 'install Debian\'s busybox-static (apt-get install busybox-static)', EXIT.runtimeUnavailable);
  });
  if (!(await isStatic(BUSYBOX))) {
    throw new ColdlabError('IMAGE_BUSYBOX_DYNAMIC', `${BUSYBOX} is not the static busybox`, 'install busybox-static (apt-get install busybox-static)', EXIT.runtimeUnavailable);
  }
  const files = new Map<string, string>([[BUSYBOX, BUSYBOX]]);
  for (const program of HOST_PROGRAMS) {
    await access(program).catch(() => {
      throw new ColdlabError('IMAGE_TOOL_MISSING', `${program} is missing on this host`, 'install bash and libc-bin', EXIT.runtimeUnavailable);
    });
    files.set(program, program);
    for (const lib of await sharedLibraries(program)) files.set(lib, lib);
  }
  const links = new Map(APPLETS.map((applet) => [`/bin/${applet}`, BUSYBOX]));
  return { files, links };
}
