// A function whose init kills the coldlab run that started it when it runs at 256 MB: the shard holding
// that variant dies mid-run, as a task whose host crashed would, so the swarm test sees a real task failure.
if (process.env.COLDLAB_MEMORY_MB === '256') process.kill(process.ppid, 'SIGKILL');
export const handler = async () => ({ statusCode: 200, body: 'ok' });
