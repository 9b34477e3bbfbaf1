import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ColdlabError, EXIT } from '../../util/errors.js';
import { initErrorIn } from '../initError.js';
import { BOOTSTRAP } from './bootstrapPath.js';

/** The bootstrap's ready line (runners/node/bootstrap.mjs). */
export interface ReadyLine {
  coldlab: 'ready';
  port: number;
  initMs: number;
  bootMs: number;
  pid: number;
}

// The shell joins the instance's cgroup(s) before exec'ing node, so the function's init already runs
// under the memory and CPU limits; COLDLAB_CGROUP_PROCS is a ':'-separated list of cgroup.procs files.
export const JOIN_CGROUPS = 'IFS=:; for f in $COLDLAB_CGROUP_PROCS; do echo $$ > "$f" || exit 70; done; exec "$@"';

// A parked start: the shell joins the cgroup(s) ahead of time, then waits for one line on stdin (the
// instance id) before exec'ing node. Joining a cgroup v1 hierarchy waits for an RCU grace period (measured
// here: ~12 ms of the 16 ms from spawn to node's first instruction), so a start that finds a parked shell
// skips the fork, the cgroup and that wait. `read` takes exactly one line, so node inherits stdin intact.
export const PARK_THEN_EXEC = `${JOIN_CGROUPS.replace('; exec "$@"', '')}; IFS= read -r COLDLAB_INSTANCE_ID || exit 0; export COLDLAB_INSTANCE_ID; exec "$@"`;

export interface SpawnedBootstrap {
  child: ChildProcess;
  ready: Promise<ReadyLine>;
  /** Last lines the instance wrote to stderr, for error messages. */
  stderrTail(): string;
}

/** Starts the bootstrap under /bin/sh in its cgroup(s); with `parked`, it waits at PARK_THEN_EXEC for its instance id on stdin. */
export function spawnBootstrap(command: string[], env: NodeJS.ProcessEnv, cwd: string, procsFiles: string[], parked = false): SpawnedBootstrap {
  const child = spawn('/bin/sh', ['-c', parked ? PARK_THEN_EXEC : JOIN_CGROUPS, 'sh', ...command], {
    cwd,
    env: { ...env, COLDLAB_CGROUP_PROCS: procsFiles.join(':'), COLDLAB_EXIT_ON_STDIN_EOF: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own process group: a Ctrl-C at the terminal reaches coldlab only, which then stops instances in order.
    detached: true,
  });
  // The last 16 KiB of stderr as text: a line split across two chunks stays whole.
  let stderrText = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrText = (stderrText + chunk).slice(-16_384);
  });
  const lastLines = (): string[] => stderrText.split('\n').filter(Boolean).slice(-20);
  const ready = new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{"coldlab":"ready"')) return;
      resolve(JSON.parse(line) as ReadyLine);
    });
    child.once('error', (error) => reject(new ColdlabError('INSTANCE_SPAWN', `could not start the instance: ${error.message}`, 'check that node is on PATH', EXIT.runtimeUnavailable)));
    // 'close', not 'exit': by then stderr has been read to its end, the bootstrap's last word included.
    child.once('close', (code, signal) => {
      const own = initErrorIn(stderrText);
      if (own) return reject(own);
      const tail = lastLines();
      const why = code === 70 ? 'could not join its cgroup' : `exited (${signal ?? `code ${code}`}) before it was ready`;
      reject(new ColdlabError('INSTANCE_START_FAILED', `the instance ${why}${tail.length ? `:\n${tail.slice(-8).join('\n')}` : ''}`, `run the function alone to see its error: COLDLAB_FN_PATH=<your module> node ${BOOTSTRAP}`));
    });
  });
  return { child, ready, stderrTail: () => lastLines().join('\n') };
}
