/**
 * `ami-bakery fleet --images images.yml [--schedule CRON]`: the matrix of image families a caller
 * workflow runs golden-ami.yml over (cli/src/fleet.ts plans it). Before any job starts, every path
 * a family names is checked to exist inside the repository, so a typo fails the plan, not one bake
 * an hour later. Prints the plan on stderr and `matrix=<json>` and `count=<n>` on stdout (and to
 * $GITHUB_OUTPUT when it is set).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../shared/src/errors.js';
import { appendKeyValueFile, neutraliseCommands } from '../../shared/src/io.js';
import { repoPath, repoRoot, statOf } from '../../shared/src/workspace.js';
import { type DeclaredInput, type Entry, planFleet } from './fleet.js';
import type { ActionInput } from './help.js';

export const FLEET_FLAGS: Record<string, ActionInput> = {
  images: {
    description: 'The fleet file (images.yml), relative to the repository root.',
    default: 'images.yml',
  },
  schedule: {
    description:
      'The cron that started this run (github.event.schedule): only the families with it as schedule (rebake) or rescan-schedule (re-scan). Empty: every family, baked.',
    default: '',
  },
};

/** golden-ami.yml's inputs, from the copy of the workflow next to this CLI (the one the caller runs). */
export function declaredInputs(root: string): Record<string, DeclaredInput> {
  const file = path.join(root, '.github/workflows/golden-ami.yml');
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as {
    on: { workflow_call: { inputs: Record<string, DeclaredInput> } };
  };
  return doc.on.workflow_call.inputs;
}

/** The paths an entry names, each checked inside the repository (links resolved) and present. */
function checkPaths(e: Entry, root: string): void {
  const at = (k: string) => `families.${e.family}.${k}`;
  const exists = (rel: string, k: string, kind: 'file' | 'dir' | 'any') => {
    const inRepo = repoPath(root, rel, at(k), root);
    const abs = path.join(root, inRepo);
    const st = statOf(abs);
    if (!st || (kind === 'file' && !st.isFile()) || (kind === 'dir' && !st.isDirectory()))
      throw new InputError(
        at(k),
        `names "${inRepo}", which is not a ${kind === 'any' ? 'file or directory' : kind} in the repository.`,
      );
  };
  const wd = String(e['working-directory'] || '.');
  exists(wd, 'working-directory', 'dir');
  exists(path.join(wd, String(e.template)), 'template', 'any');
  exists(String(e['terraform-dir']), 'terraform-dir', 'dir');
  if (e['smoke-tests']) exists(String(e['smoke-tests']), 'smoke-tests', 'file');
  for (const w of String(e.waivers ?? '')
    .split('\n')
    .filter((x) => x.trim()))
    exists(w.trim(), 'waivers', 'file');
}

/** `given`: the parsed flags. `self`: the ami-bakery checkout whose golden-ami.yml the plan is for. */
export function runFleet(
  given: Record<string, string>,
  env: NodeJS.ProcessEnv,
  self: string,
  cwd = process.cwd(),
): number {
  const flags = { images: 'images.yml', schedule: '', ...given };
  const root = repoRoot(env, cwd);
  const rel = repoPath(root, flags.images, 'images', cwd);
  const abs = path.join(root, rel);
  if (!statOf(abs)?.isFile())
    throw new InputError('images', `names "${rel}", which is not a file in the repository.`);
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(abs, 'utf8'), { maxAliasCount: 100 });
  } catch (e) {
    throw new InputError('images', `${rel} is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const plan = planFleet(doc, declaredInputs(self), { file: rel, schedule: flags.schedule });
  for (const e of plan.entries) checkPaths(e, root);
  const log = (l: string) => process.stderr.write(`${neutraliseCommands(l)}\n`);
  log(
    `fleet ${rel}: ${plan.entries.length} image${plan.entries.length === 1 ? '' : 's'}${flags.schedule ? ` on schedule "${flags.schedule}"` : ''}`,
  );
  for (const e of plan.entries)
    log(
      `  ${e.family}: ${e.rescan ? 're-scan' : 'bake'} ${e['working-directory']}/${e.template}${e.only ? ` (only ${e.only})` : ''} in ${e['aws-region']}`,
    );
  if (plan.notScheduled.length) log(`  not on this schedule: ${plan.notScheduled.join(', ')}`);
  const outputs = { matrix: JSON.stringify(plan.entries), count: String(plan.entries.length) };
  for (const [k, v] of Object.entries(outputs)) {
    process.stdout.write(`${k}=${v}\n`);
    if (env.GITHUB_OUTPUT) appendKeyValueFile(env.GITHUB_OUTPUT, k, v);
  }
  return 0;
}
