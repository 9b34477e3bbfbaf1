import type { IO } from './io.js';
import { reportFailure } from './failure.js';
import { runTask, taskSpec } from '../cluster/task.js';

/** `coldlab shard-task` (hidden): what each swarm task or Kubernetes pod runs inside the runner image. */
export async function swarmTaskCommand(io: IO): Promise<number> {
  try {
    return await runTask(taskSpec(io.env), io.err);
  } catch (error) {
    return reportFailure(io, error, true);
  }
}
