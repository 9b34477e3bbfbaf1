import type { IO } from './io.js';
import { reportFailure } from './failure.js';
import { ColdlabError, EXIT } from '../util/errors.js';
import { docker, engineAddress, engineAnswers } from '../runtimes/container/docker.js';

/** `coldlab image build`: the runner image swarm and Kubernetes jobs run, built on the local engine from the container runtime's base. */
export async function imageBuildCommand(io: IO, options: { force?: boolean; tag?: string; verbose?: boolean }): Promise<number> {
  try {
    const d = await docker();
    if (!(await engineAnswers(d))) {
      throw new ColdlabError('IMAGE_NO_ENGINE', `no Docker engine answers at ${engineAddress()}`, 'run `bash scripts/setup-docker.sh` as root, or set DOCKER_HOST', EXIT.runtimeUnavailable);
    }
    const { buildRunnerImage } = await import('../cluster/image.js');
    const started = Date.now();
    const image = await buildRunnerImage(d, { ...(options.force ? { force: true } : {}), ...(options.tag ? { tag: options.tag } : {}) });
    io.out(image.built ? `built ${image.ref} (from ${image.baseRef}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : `${image.ref} is up to date (same content as this checkout)\n`);
    io.out(`check it: docker run --rm -v /var/run/docker.sock:/var/run/docker.sock ${image.ref} doctor\n`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure(io, error, Boolean(options.verbose));
  }
}
