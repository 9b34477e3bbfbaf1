import type { Command } from 'commander';
import type { IO } from './io.js';
import type { SwarmRunOptions } from './swarm.js';
import type { K8sManifestOptions } from './k8s.js';

/** `image`, `swarm` and `k8s`: running a scenario's shards on an orchestrator. Each command's module loads when it runs. */
export function clusterCommands(cli: Command, io: IO, setExit: (code: number) => void): void {
  const image = cli.command('image').description('the coldlab runner image that swarm and Kubernetes jobs run');
  image
    .command('build')
    .description('build coldlab:<version> on the local engine from the container runtime\'s base (no registry needed)')
    .option('--force', 'rebuild even when an image of the same content exists')
    .option('--tag <ref>', 'image reference to build (default coldlab:<version>)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (options: { force?: boolean; tag?: string; verbose?: boolean }) => setExit(await (await import('./image.js')).imageBuildCommand(io, options)));
  const swarm = cli.command('swarm').description('run a scenario\'s shards as a Docker Swarm replicated job');
  swarm
    .command('run')
    .description('one swarm job of N shards (`coldlab run --shard i/N` per task); results come back over HTTP and are merged')
    .argument('<scenario>', 'scenario YAML file')
    .requiredOption('--shards <n>', 'number of shards (tasks)')
    .option('--max-concurrent <k>', 'tasks at once (default: one per node of the swarm)')
    .option('-o, --out <dir>', 'output folder (default: the scenario\'s "output", else ./reports)')
    .option('--image <ref>', 'runner image present on every node (default coldlab:<version>, built here when missing)')
    .option('--collector <host>', 'address the tasks reach this machine at (default: this node\'s swarm address)')
    .option('--allow-mixed-hosts', 'pool repetitions of one variant from hosts of different classes')
    .option('--host-cgroups', "mount each node's /sys/fs/cgroup into its task, so the process runtime enforces memory and CPU limits there")
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: SwarmRunOptions) => setExit(await (await import('./swarm.js')).swarmRunCommand(io, file, options)));
  cli
    .command('shard-task', { hidden: true })
    .description('inside a swarm task or Kubernetes pod: fetch the scenario, run this task\'s shard, send the results back')
    .action(async () => setExit(await (await import('./swarmTask.js')).swarmTaskCommand(io)));
  const k8s = cli.command('k8s').description('Kubernetes Indexed Jobs (validated offline here, not run on a cluster)');
  k8s
    .command('manifest')
    .description('print an Indexed Job (and its ConfigMap) that runs the scenario as N shards')
    .argument('<scenario>', 'scenario YAML file')
    .requiredOption('--shards <n>', 'number of shards (completions)')
    .requiredOption('--image <ref>', 'runner image the cluster can pull (built with `coldlab image build`)')
    .option('--name <name>', 'Job name (default: coldlab-<scenario>)')
    .option('--namespace <ns>', 'namespace of the objects')
    .option('--results-claim <pvc>', 'PersistentVolumeClaim the shards write results to (default: a hostPath folder per node)')
    .option('--parallelism <k>', 'pods at once (default: the shard count, one per node by anti-affinity)')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (file: string, options: K8sManifestOptions) => setExit(await (await import('./k8s.js')).k8sManifestCommand(io, file, options)));
  k8s
    .command('collect')
    .description('merge the results.json files the shards wrote under DIR into one results.json and report')
    .argument('<dir>', 'folder holding the shards\' output (copied from the volume)')
    .option('-o, --out <dir>', 'folder for the merged results.json and report (default: DIR/merged)')
    .option('--allow-mixed-hosts', 'pool repetitions of one variant from hosts of different classes')
    .option('-v, --verbose', 'show stack traces on errors')
    .action(async (dir: string, options: { out?: string; allowMixedHosts?: boolean; verbose?: boolean }) => setExit(await (await import('./k8s.js')).k8sCollectCommand(io, dir, options)));
}
