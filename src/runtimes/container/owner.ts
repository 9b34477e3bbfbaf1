/** Label holding the pid of the coldlab process that created a container or image. */
export const OWNER_LABEL = 'coldlab.pid';

// Something whose coldlab still runs is in use, not a leftover: `doctor --cleanup` must not break a live run.
export function ownerAlive(owner: number): boolean {
  if (!(owner > 0) || owner === process.pid) return false;
  try {
    process.kill(owner, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
