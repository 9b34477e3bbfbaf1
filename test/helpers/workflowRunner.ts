import { execa } from 'execa';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// A stand-in for the GitHub Actions runner (named so: it is not GitHub's): it runs a workflow job's `run:` steps
// as written, in bash as GitHub does, and plays the few actions the example uses (checkout, setup-node, cache,
// artifact upload, JUnit report) on the local disk. Anything else in the file makes it throw, so the test
// cannot pass by skipping what it does not understand.

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  env?: Record<string, string>;
  steps: Step[];
}

export interface JobContext {
  event: 'push' | 'pull_request';
  refName: string;
  baseRef: string;
  runId: string;
}

export interface JobOutcome {
  /** Name of the step that failed, and its exit code. */
  failed?: { step: string; code: number };
  log: string;
  summary: string;
  ran: string[];
}

export function readJob(text: string, jobName: string): Job {
  const workflow = parse(text) as { jobs: Record<string, Job> };
  const job = workflow.jobs[jobName];
  if (!job) throw new Error(`no job ${jobName}`);
  return job;
}

const expression = (text: string, ctx: JobContext): string =>
  text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const values: Record<string, string> = { 'github.event_name': ctx.event, 'github.base_ref': ctx.baseRef, 'github.ref_name': ctx.refName, 'github.run_id': ctx.runId };
    const value = values[expr];
    if (value === undefined) throw new Error(`unknown expression \${{ ${expr} }}`);
    return value;
  });

// The conditions the example uses, evaluated; a new one must be taught here on purpose.
function condition(expr: string | undefined, ctx: JobContext, failedSoFar: boolean, workspace: string): boolean {
  if (expr === undefined) return !failedSoFar;
  if (expr === "github.event_name == 'pull_request'") return !failedSoFar && ctx.event === 'pull_request';
  if (expr === "github.event_name == 'push'") return !failedSoFar && ctx.event === 'push';
  if (expr === 'always()') return true;
  const hash = /^always\(\) && hashFiles\('([^']+)'\) != ''$/.exec(expr);
  if (hash) return existsSync(join(workspace, hash[1]!));
  throw new Error(`unknown if: ${expr}`);
}

/** Runs one job of the workflow in `workspace`; `cache` is a folder standing for the repository's Actions cache. */
export async function runJob(job: Job, ctx: JobContext, options: { workspace: string; cache: string; overrides: Record<string, string> }): Promise<JobOutcome> {
  const { workspace, cache } = options;
  const temp = join(workspace, '.runner');
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  const files = { summary: join(temp, 'step-summary.md'), env: join(temp, 'env'), output: join(temp, 'output') };
  await writeFile(files.summary, '');
  const env: Record<string, string> = {
    CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: ctx.event, GITHUB_REF_NAME: ctx.refName, GITHUB_BASE_REF: ctx.baseRef, GITHUB_RUN_ID: ctx.runId,
    GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: files.summary, GITHUB_ENV: files.env, GITHUB_OUTPUT: files.output, RUNNER_TEMP: temp,
  };
  for (const [key, value] of Object.entries(job.env ?? {})) env[key] = expression(String(value), ctx);
  Object.assign(env, options.overrides);
  const outcome: JobOutcome = { log: '', summary: '', ran: [] };
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (!condition(step.if, ctx, outcome.failed !== undefined, workspace)) continue;
    outcome.ran.push(name);
    const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expression(String(v), ctx)]));
    if (step.run !== undefined) {
      if (step.run.includes('${{')) throw new Error(`step "${name}": an expression inside run: is not run as written`);
      await writeFile(files.env, '');
      const script = join(temp, `step-${i}.sh`);
      await writeFile(script, step.run);
      const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, extendEnv: true, reject: false, all: true });
      outcome.log += `## ${name} (exit ${r.exitCode})\n${r.all ?? ''}\n`;
      for (const line of (await readFile(files.env, 'utf8')).split('\n')) {
        const at = line.indexOf('=');
        if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
      }
      if (r.exitCode !== 0 && outcome.failed === undefined) outcome.failed = { step: name, code: r.exitCode ?? -1 };
      continue;
    }
    const action = step.uses ?? '';
    if (action === 'actions/checkout@v4' || action === 'actions/setup-node@v4' || action === 'actions/upload-artifact@v4') continue;
    if (action === 'actions/cache/restore@v4') {
      const prefix = String(inputs['restore-keys']);
      const hits = existsSync(cache) ? await readdir(cache) : [];
      const newest = hits.filter((k) => k === inputs['key'] || k.startsWith(prefix)).sort().at(-1);
      if (newest) await cp(join(cache, newest), join(workspace, String(inputs['path'])), { recursive: true });
      continue;
    }
    if (action === 'actions/cache/save@v4') {
      await cp(join(workspace, String(inputs['path'])), join(cache, String(inputs['key'])), { recursive: true });
      continue;
    }
    if (action === 'mikepenz/action-junit-report@v4') {
      const xml = await readFile(join(workspace, String(inputs['report_paths'])), 'utf8');
      if (!xml.includes('<testsuites')) throw new Error('the JUnit file is not JUnit XML');
      continue;
    }
    throw new Error(`step "${name}" uses ${action}, which this stand-in does not play`);
  }
  outcome.summary = await readFile(files.summary, 'utf8');
  return outcome;
}
