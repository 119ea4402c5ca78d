/**
 * action-verify: a Terraform test environment built from the new AMI, waited for, smoke-checked,
 * and always destroyed — after the checks (unless `keep`), on failure, on cancel, and in the
 * action's post step from the state the main step recorded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TAG } from '../../shared/src/aws/tags.js';
import { regionFromEnv, resolveRegion, validateAmiId } from '../../shared/src/aws/validate.js';
import { GateError, InputError, messageOf } from '../../shared/src/errors.js';
import { groupAlive, reapGroup } from '../../shared/src/exec.js';
import { resolveHashicorpTool } from '../../shared/src/hashicorp.js';
import { checkPath, Inputs } from '../../shared/src/inputs.js';
import type { Io } from '../../shared/src/io.js';
import { loadPrivateKey } from '../../shared/src/ssh-keys.js';
import { parseVars } from '../../shared/src/vars.js';
import { insideRoot, repoRoot } from '../../shared/src/workspace.js';
import { consoleHostKeys, knownHostsLines } from './host-keys.js';
import { type CheckResult, type RemoteRunner, runCheck } from './smoke/run.js';
import { type Check, parseSpec, SpecErrors } from './smoke/spec.js';
import {
  destroy,
  lastLines,
  outputs as readOutputs,
  stateList,
  type TerraformRun,
  terraform,
} from './terraform.js';

export const STATE_KEY = 'terraform';
export const DESTROYED_KEY = 'destroyed';
/** when and as whom the main step started Terraform: a lock it left is recognised as its own */
export const STARTED_KEY = 'terraform-started';
/** the process group of the running apply (Terraform and its provisioners' children) */
export const PGID_KEY = 'terraform-pgid';

const whoAmI = () => `${os.userInfo().username}@${os.hostname()}`;

export interface VerifyConfig {
  amiId: string;
  dir: string;
  amiVariable: string;
  varFiles: string[];
  vars: Array<{ key: string; value: string }>;
  backendConfig: string[];
  terraformVersion: string;
  specFile?: string;
  checks: Check[];
  timeoutMs: number;
  keep: boolean;
  sshKey?: string;
  sshKnownHosts: string;
  awsRegion?: string;
  /** tag the AMI ami-bakery:verify=passed|failed: always (must succeed), auto (when a region is known), never */
  tagAmi: 'true' | 'false' | 'auto';
}

export function readConfig(io: Io): VerifyConfig {
  const inp = new Inputs(io);
  const amiId = validateAmiId('ami-id', inp.required('ami-id', 'ami-0123456789abcdef0'));
  const dir = inp.existingPath('terraform-dir', 'directory') ?? '';
  if (!dir)
    throw new InputError(
      'terraform-dir',
      'is required.',
      'give the directory of the test environment module, e.g. test/env',
    );
  if (!fs.readdirSync(dir).some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) {
    throw new InputError(
      'terraform-dir',
      `"${dir}" has no .tf files.`,
      'point it at a Terraform module directory.',
    );
  }
  const amiVariable = inp.string('ami-variable') || 'ami_id';
  if (!/^[A-Za-z_][\w-]*$/.test(amiVariable))
    throw new InputError('ami-variable', `"${amiVariable}" is not a Terraform variable name.`, 'e.g. ami_id');
  const specFile = inp.existingPath('smoke-tests', 'file');
  let checks: Check[] = [];
  if (specFile) {
    try {
      checks = parseSpec(fs.readFileSync(specFile, 'utf8'), specFile);
    } catch (e) {
      if (e instanceof SpecErrors) {
        // each problem once: an annotation at its line; the refusal names them by line
        for (const x of e.errors)
          io.annotate({
            level: 'error',
            file: x.file,
            line: x.line,
            title: 'Smoke-test spec error',
            message: x.problem,
          });
        const [first] = e.errors;
        throw new InputError(
          'smoke-tests',
          e.errors.length === 1
            ? `${first.file}:${first.line}: ${first.problem}.`
            : `${first.file} has ${e.errors.length} problems, each annotated at its line: ${e.errors.map((x) => `line ${x.line}`).join(', ')}.`,
          'fix the spec (see docs/smoke-tests.schema.json).',
        );
      }
      throw e;
    }
  }
  const needsSsh = checks.some((c) => c.kind === 'command' && c.transport === 'ssh');
  const sshKey = inp.string('ssh-key') ? loadPrivateKey(inp.string('ssh-key')) : undefined;
  if (needsSsh && !sshKey)
    throw new InputError(
      'ssh-key',
      'is required: the smoke tests have command checks over ssh.',
      'pass the private key (e.g. from a secret) or its path.',
    );
  if (sshKey) io.setSecret(sshKey);
  const tagAmi = (inp.string('tag-ami') || 'auto').toLowerCase();
  if (!['true', 'false', 'auto'].includes(tagAmi))
    throw new InputError('tag-ami', `"${tagAmi}" is not true, false or auto.`, 'use true, false or auto.');
  // The module's instance outputs are waited for with EC2 status checks: that needs a region, known
  // now rather than after the environment exists.
  const needsAws =
    tagAmi === 'true' ||
    checks.some((c) => c.kind === 'command' && c.transport === 'ssm') ||
    outputsInstances(dir);
  return {
    amiId,
    dir: path.resolve(dir),
    amiVariable,
    varFiles: inp.list('var-files').map((f) => path.resolve(checkPath('var-files', f, 'file'))),
    vars: parseVars(inp.string('vars')),
    backendConfig: inp.list('backend-config'),
    terraformVersion: inp.string('terraform-version'),
    specFile,
    checks,
    timeoutMs: (inp.number('timeout', 0.05, 24 * 60) ?? 30) * 60_000,
    keep: inp.boolean('keep'),
    sshKey,
    sshKnownHosts: inp.string('ssh-known-hosts'),
    awsRegion:
      needsAws || inp.string('aws-region')
        ? resolveRegion('aws-region', inp.string('aws-region'), io.env)
        : undefined,
    tagAmi: tagAmi as VerifyConfig['tagAmi'],
  };
}

/**
 * Record the verdict on the AMI (promote's default gate requires ami-bakery:verify=passed).
 * tag-ami auto: when a region is known, and a missing AMI or missing credentials is a warning.
 */
async function tagVerdict(io: Io, cfg: VerifyConfig, verdict: 'passed' | 'failed'): Promise<void> {
  if (cfg.tagAmi === 'false') return;
  const region = regionFromEnv(cfg.awsRegion, io.env);
  if (!region) {
    io.info('Not tagging the AMI: no region (set aws-region, or tag-ami: false to silence this).');
    return;
  }
  const { ec2Client, tagImages } = await import('../../shared/src/aws/ec2.js');
  try {
    await tagImages(ec2Client(region), [cfg.amiId], { [TAG.verify]: verdict }, { mustExist: 'ami-id' });
    io.info(`Tagged ${cfg.amiId} (${region}) ${TAG.verify}=${verdict}`);
  } catch (e) {
    if (cfg.tagAmi === 'true') throw e;
    io.warning(
      `Not tagged ${TAG.verify}=${verdict} on ${cfg.amiId} (${region}): ${messageOf(e)} (tag-ami: auto; set true to make this an error).`,
    );
  }
}

/** tag-ami true: ami-id names an image EC2 knows in the region, or it is bad input. */
async function checkAmiExists(io: Io, cfg: VerifyConfig): Promise<void> {
  const region = regionFromEnv(cfg.awsRegion, io.env);
  if (!region) return;
  const { describeImage, ec2Client } = await import('../../shared/src/aws/ec2.js');
  if (!(await describeImage(ec2Client(region), cfg.amiId)))
    throw new InputError(
      'ami-id',
      `${cfg.amiId} does not exist in this account/region (${region}).`,
      'check ami-id and aws-region; nothing was applied.',
    );
}

/** Whether the module declares an `instance_id`/`instance_ids` output (read from its .tf files). */
export function outputsInstances(dir: string): boolean {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .some((f) => /^\s*output\s+"instance_ids?"\s*\{/m.test(fs.readFileSync(path.join(dir, f), 'utf8')));
}

function instanceIds(outs: Record<string, unknown>): string[] {
  const ids: string[] = [];
  if (typeof outs.instance_id === 'string') ids.push(outs.instance_id);
  if (Array.isArray(outs.instance_ids))
    ids.push(...outs.instance_ids.filter((x): x is string => typeof x === 'string'));
  return [...new Set(ids)].filter((id) => /^i-[0-9a-f]{8,17}$/.test(id));
}

async function ssmRunner(region: string): Promise<NonNullable<RemoteRunner['ssm']>> {
  const { SSMClient, SendCommandCommand, GetCommandInvocationCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ region, maxAttempts: 5 });
  return async (instanceId, command, timeoutMs) => {
    const sent = await client.send(
      new SendCommandCommand({
        InstanceIds: [instanceId],
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: [command] },
        TimeoutSeconds: Math.max(30, Math.ceil(timeoutMs / 1000)),
      }),
    );
    const id = sent.Command?.CommandId;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      try {
        const inv = await client.send(
          new GetCommandInvocationCommand({ CommandId: id, InstanceId: instanceId }),
        );
        if (inv.Status && !['Pending', 'InProgress', 'Delayed'].includes(inv.Status)) {
          return {
            code: inv.ResponseCode ?? -1,
            stdout: inv.StandardOutputContent ?? '',
            stderr: inv.StandardErrorContent ?? inv.StatusDetails ?? '',
          };
        }
      } catch (e) {
        if ((e as { name?: string }).name !== 'InvocationDoesNotExist') throw e;
      }
      if (Date.now() > deadline) throw new Error(`SSM command ${id} on ${instanceId} did not finish in time`);
    }
  };
}

function summaryTable(results: CheckResult[], spec?: string): string {
  const rows = results.map(
    (r) =>
      `| ${r.passed ? '✅' : '❌'} | ${r.check.name.replace(/\|/g, '\\|')} | ${r.check.kind} | ${r.attempts} | ${(r.ms / 1000).toFixed(1)} s | ${r.message.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)} | ${spec ? `\`${spec}:${r.check.line}\`` : ''} |`,
  );
  return [
    '| | check | kind | attempts | time | result | spec |',
    '|---|---|---|---:|---:|---|---|',
    ...rows,
  ].join('\n');
}

/** The main step: apply, wait, check, destroy (or leave to the post step), tag the verdict. */
export async function runVerify(io: Io, signal?: AbortSignal): Promise<void> {
  const cfg = readConfig(io);
  const tfBin = await resolveHashicorpTool(io, 'terraform', cfg.terraformVersion, 'terraform-version');
  const varArgs = [
    ...cfg.varFiles.map((f) => `-var-file=${f}`),
    ...cfg.vars.flatMap((v) => ['-var', `${v.key}=${v.value}`]),
    '-var',
    `${cfg.amiVariable}=${cfg.amiId}`,
  ];
  const tf: TerraformRun = { bin: tfBin.path, dir: cfg.dir, varArgs };
  // tag-ami true: the AMI must exist, known before an environment is built for it
  if (cfg.tagAmi === 'true') await checkAmiExists(io, cfg);
  // Recorded before anything is created, so the post step can destroy whatever this step leaves.
  io.saveState(STATE_KEY, JSON.stringify(tf));
  io.saveState(STARTED_KEY, JSON.stringify({ at: Date.now(), who: whoAmI() }));

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), cfg.timeoutMs);
  const stop = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  const deadline = Date.now() + cfg.timeoutMs;
  const stopped = (during: string) =>
    new Error(
      timeout.signal.aborted
        ? `the timeout (${cfg.timeoutMs / 60_000} min) ran out during ${during}`
        : `cancelled during ${during}`,
    );
  let failure: Error | undefined;
  let results: CheckResult[] = [];
  let waited = 0;
  try {
    const outs = await applyEnvironment(io, cfg, tf, stop, stopped);
    const ids = instanceIds(outs);
    const pinned = ids.length ? await waitForTestInstances(io, cfg, ids, outs, deadline, stop) : '';
    waited = ids.length;
    if (cfg.checks.length) {
      results = await runSmokeChecks(io, cfg, outs, stop, cfg.sshKnownHosts || pinned);
      if (stop.aborted) throw stopped('the smoke checks');
    }
  } catch (e) {
    failure = e as Error;
  } finally {
    clearTimeout(timer);
  }

  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  // Nothing checked is not passed: an environment that applied, with no instance to wait for and
  // no smoke check, says nothing about the image.
  const unchecked = !failure && !results.length && !waited;
  const verdict = failure || failed ? 'failed' : unchecked ? 'unchecked' : 'passed';
  io.setOutput('passed', passed);
  io.setOutput('failed', failed);
  io.setOutput('verdict', verdict);
  if (unchecked)
    io.warning(
      `Nothing was checked: no smoke tests, and the module outputs no instance_id/instance_ids to wait for. ${cfg.amiId} is not tagged ${TAG.verify}=passed; give smoke-tests (or an instance output) to verify it.`,
    );
  await io.appendSummary(
    [
      '## ami-bakery verify',
      '',
      `AMI \`${cfg.amiId}\` in \`${insideRoot(repoRoot(io.env), path.resolve(cfg.dir)) ?? path.resolve(cfg.dir)}\`: ${failure ? `❌ ${messageOf(failure).split('\n')[0]}` : unchecked ? '⚠️ nothing checked (no smoke tests, no instance to wait for): not tagged passed' : `${passed} passed, ${failed} failed`}`,
      '',
      results.length ? summaryTable(results, cfg.specFile) : '',
      '',
    ].join('\n'),
  );

  const destroyError = await teardown(io, cfg, tf, Boolean(failure), signal);
  if (!signal?.aborted) {
    try {
      if (unchecked && !destroyError) {
        if (cfg.tagAmi === 'true')
          throw new GateError(
            `tag-ami: true asks for a verdict on ${cfg.amiId}, and nothing was checked (no smoke tests, no instance output): it is not tagged.`,
          );
      } else await tagVerdict(io, cfg, verdict === 'passed' && !destroyError ? 'passed' : 'failed');
    } catch (e) {
      if (!failure && !destroyError) throw e;
      io.warning(`Could not tag ${cfg.amiId}: ${messageOf(e)}`);
    }
  }

  if (failure && destroyError) throw new Error(`${failure.message}\nand then: ${destroyError.message}`);
  if (failure) throw failure;
  if (destroyError) throw destroyError;
  if (failed)
    throw new GateError(
      `${failed} of ${results.length} smoke check(s) failed: ${results
        .filter((r) => !r.passed)
        .map((r) => r.check.name)
        .join(', ')}`,
    );
}

/** terraform init and apply; the module's outputs become step outputs (sensitive ones masked). */
async function applyEnvironment(
  io: Io,
  cfg: VerifyConfig,
  tf: TerraformRun,
  stop: AbortSignal,
  stopped: (during: string) => Error,
): Promise<Record<string, unknown>> {
  const init = await io.group('terraform init', () =>
    terraform(
      io,
      tf,
      ['init', '-input=false', '-no-color', ...cfg.backendConfig.map((b) => `-backend-config=${b}`)],
      { signal: stop },
    ),
  );
  if (init.code !== 0) throw new Error(`terraform init failed (exit ${init.code}):\n${lastLines(init)}`);
  const apply = await io.group(`terraform apply (${cfg.amiVariable}=${cfg.amiId})`, () =>
    terraform(io, tf, ['apply', '-auto-approve', '-input=false', '-no-color', ...tf.varArgs], {
      signal: stop,
      // In an action the runner kills the step ~10 s after cancelling: stop apply at once.
      ...(io.postStep ? { killGraceMs: 5_000 } : {}),
      // If this step is killed outright, the post step stops what is left of this apply first.
      onSpawn: (pid) => io.saveState(PGID_KEY, String(pid)),
    }),
  );
  if (apply.aborted || stop.aborted) throw stopped('terraform apply');
  if (apply.code !== 0) throw new Error(`terraform apply failed (exit ${apply.code}):\n${lastLines(apply)}`);

  const { values: outs, sensitive } = await readOutputs(io, tf);
  for (const [k, v] of Object.entries(outs)) io.setOutput(k, typeof v === 'string' ? v : JSON.stringify(v));
  io.setOutput('outputs', JSON.stringify(outs));
  const names = Object.keys(outs).map((k) => (sensitive.has(k) ? `${k}=<sensitive>` : k));
  if (names.length) io.info(`Outputs: ${names.join(', ')}`);
  return outs;
}

/**
 * Waits for the instances' status checks, then reads their SSH host keys from EC2 itself (the
 * console output cloud-init writes at first boot): returned, and output as `host-keys`, as
 * known_hosts lines for the module's `public_ip` (or the instance id when it has none).
 */
async function waitForTestInstances(
  io: Io,
  cfg: VerifyConfig,
  ids: string[],
  outs: Record<string, unknown>,
  deadline: number,
  stop: AbortSignal,
): Promise<string> {
  const region = resolveRegion('aws-region', cfg.awsRegion ?? '', io.env);
  return io.group(`Waiting for ${ids.join(', ')} to pass status checks`, async () => {
    const { ec2Client } = await import('../../shared/src/aws/ec2.js');
    const { waitForInstances, consoleOutput } = await import('./instances.js');
    const client = ec2Client(region);
    try {
      await waitForInstances(client, ids, deadline, io, stop);
      const host = typeof outs.public_ip === 'string' && outs.public_ip ? outs.public_ip : undefined;
      const lines: string[] = [];
      for (const id of ids) {
        const keys = consoleHostKeys(await consoleOutput(client, id));
        if (keys.length) {
          io.info(
            `${id}: ${keys.length} SSH host key(s) from its console output (${keys.map((k) => k.split(' ')[0]).join(', ')})`,
          );
          lines.push(knownHostsLines(host ?? id, keys));
        } else
          io.warning(
            `${id}: its console output has no SSH host keys (cloud-init prints them at first boot): its ssh checks cannot be pinned from EC2 and fail unless ssh-known-hosts is set (known_hosts lines, fingerprints, or accept-any).`,
          );
      }
      const known = lines.join('\n');
      io.setOutput('host-keys', known);
      return known;
    } finally {
      client.destroy();
    }
  });
}

/** Every smoke check in order; each failure is annotated on its line of the spec file. */
async function runSmokeChecks(
  io: Io,
  cfg: VerifyConfig,
  outs: Record<string, unknown>,
  stop: AbortSignal,
  knownHosts: string,
): Promise<CheckResult[]> {
  // the ssh-known-hosts input, else the host keys EC2 printed for the instances
  const remote: RemoteRunner = { sshKey: cfg.sshKey, sshKnownHosts: knownHosts };
  if (cfg.awsRegion && cfg.checks.some((c) => c.kind === 'command' && c.transport === 'ssm'))
    remote.ssm = await ssmRunner(cfg.awsRegion);
  const results = await io.group(`Smoke checks (${cfg.checks.length})`, async () => {
    const out: CheckResult[] = [];
    for (const c of cfg.checks) {
      const r = await runCheck(c, outs, remote, io, stop);
      io.info(`${r.passed ? 'PASS' : 'FAIL'} ${c.name} (${r.attempts} attempt(s)): ${r.message}`);
      out.push(r);
    }
    return out;
  });
  for (const r of results.filter((x) => !x.passed)) {
    io.annotate({
      level: 'error',
      file: cfg.specFile,
      line: r.check.line,
      title: `Smoke check failed: ${r.check.name}`,
      message: r.message,
    });
  }
  return results;
}

/**
 * Destroy always (unless keep, when the post step does it): a destroy failure is returned as an
 * error. Cancelled in an action: the runner kills this step seconds later, so a destroy started now
 * would be cut short (and leave the state locked): the post step destroys instead.
 */
async function teardown(
  io: Io,
  cfg: VerifyConfig,
  tf: TerraformRun,
  failed: boolean,
  signal?: AbortSignal,
): Promise<Error | undefined> {
  if (signal?.aborted && io.postStep) {
    io.warning(
      `Cancelled: the test environment is left to the post step, which runs terraform destroy (state in ${cfg.dir}).`,
    );
    return undefined;
  }
  if (cfg.keep && !failed) {
    io.info(
      `keep: the environment stays up for later steps; the post step destroys it (state in ${cfg.dir}).`,
    );
    return undefined;
  }
  try {
    await destroy(io, tf);
    io.saveState(DESTROYED_KEY, 'true');
    const left = await stateList(io, tf);
    if (left.length)
      throw new Error(`terraform destroy left resources in the state of ${cfg.dir}: ${left.join(', ')}`);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

/** The post step (post-if: always()): destroy what the main step recorded, unless it already did. */
export async function runVerifyPost(io: Io): Promise<void> {
  const raw = io.getState(STATE_KEY);
  if (!raw || io.getState(DESTROYED_KEY) === 'true') {
    io.info('Nothing to destroy.');
    return;
  }
  const tf = JSON.parse(raw) as TerraformRun;
  // The main step killed outright (SIGKILL) leaves its apply running: stop that first.
  const pgid = Number(io.getState(PGID_KEY));
  if (pgid > 1 && groupAlive(pgid)) {
    io.warning(
      `The main step's terraform apply (process group ${pgid}) is still running: stopping it before destroying.`,
    );
    await reapGroup(pgid, 10_000);
  }
  let started: { at: number; who: string } | undefined;
  try {
    started = JSON.parse(io.getState(STARTED_KEY));
  } catch {
    started = undefined;
  }
  // A lock is our own when it was taken by this machine's user after the main step started Terraform.
  const ownLock = (lock: { who?: string; created?: string }) => {
    if (!started || lock.who !== started.who || !lock.created) return false;
    const created = Date.parse(`${lock.created.slice(0, 19).replace(' ', 'T')}Z`);
    return Number.isFinite(created) && created >= started.at - 60_000;
  };
  await destroy(io, tf, ownLock);
  io.info(`Destroyed the test environment in ${tf.dir}.`);
}
