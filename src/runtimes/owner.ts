/** Label holding the pid of the coldlab process that created a container or image. */
export const OWNER_LABEL = 'coldlab.pid';

// Something whose coldlab still runs is in use, not a leftover: `doctor --cleanup` and the sweep at the start
// of a run must not break a live run, this process's own included.
export function ownerAlive(owner: number): boolean {
  if (!(owner > 0)) return false;
  if (owner === process.pid) return true;
  try {
    process.kill(owner, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
