import { basename } from 'node:path';
import { docker, engineAnswers } from './docker.js';

/** How the engine runs an OCI runtime: its binary and the arguments dockerd passes it. */
interface EngineRuntime {
  path?: string;
  runtimeArgs?: string[];
}

/** What results record about a gVisor sandbox, as the engine is configured to start it. */
export interface SandboxFacts {
  facts: Record<string, string>;
  notes: string[];
}

// runsc takes both "--flag=value" and "--flag value"; the last one given wins, as in Go's flag package.
function flag(args: string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg.startsWith(`--${name}=`) || arg.startsWith(`-${name}=`)) value = arg.slice(arg.indexOf('=') + 1);
    else if (arg === `--${name}` || arg === `-${name}`) value = args[i + 1];
  });
  return value;
}

/** gVisor's platform and network mode from runsc's arguments; runsc's defaults are ptrace and its own netstack. */
export function gvisorFacts(runtime: EngineRuntime): SandboxFacts {
  const args = runtime.runtimeArgs ?? [];
  const platform = flag(args, 'platform') ?? 'ptrace';
  const network = flag(args, 'network') ?? 'sandbox';
  const notes = [`gVisor (runsc) on platform ${platform}: system calls are served by gVisor's kernel${platform === 'ptrace' ? ', intercepted with ptrace (no KVM needed, the slowest platform)' : ''}`];
  if (network === 'host') notes.push("gVisor network host: the sandbox keeps the container's own network namespace, but its socket calls go to the host kernel, not to gVisor's netstack (this runsc refuses netstack on this kernel; see docs/runtimes.md)");
  if (network === 'none') notes.push('gVisor network none: the sandbox has no network, so it cannot serve HTTP');
  return { facts: { sandbox: 'gvisor', 'gvisor.platform': platform, 'gvisor.network': network }, notes };
}

/** Facts about the OCI runtime a variant uses; gVisor's when the engine's runtime of that name is runsc, else none. */
export async function sandboxFactsOf(ociRuntime: string | undefined): Promise<SandboxFacts> {
  const none = { facts: {}, notes: [] };
  if (ociRuntime === undefined) return none;
  const d = await docker();
  if (!(await engineAnswers(d))) return none;
  const info: { Runtimes?: Record<string, EngineRuntime> } = await d.info();
  const runtime = info.Runtimes?.[ociRuntime];
  return runtime && basename(runtime.path ?? '') === 'runsc' ? gvisorFacts(runtime) : none;
}
