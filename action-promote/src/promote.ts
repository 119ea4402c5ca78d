/**
 * action-promote: gate on provenance, plan every destination (account × region), copy encrypted
 * (reusing copies that already exist, so a re-run after a crash creates no duplicates), tag images and
 * snapshots, share, publish to SSM, deprecate and retire old golden images.
 *
 * This module validates the inputs (no AWS SDK loaded, so bad input fails fast), fanout.ts does the
 * work and returns typed results, and this module turns them into outputs and the summary.
 */
import { TAG, tagLimitProblems } from '../../shared/src/aws/tags.js';
import { regionFromEnv } from '../../shared/src/aws/validate.js';
import { InputError } from '../../shared/src/errors.js';
import { Inputs } from '../../shared/src/inputs.js';
import type { Io } from '../../shared/src/io.js';
import { escapeMarkdown } from '../../shared/src/markdown.js';
import { parseVars } from '../../shared/src/vars.js';
import type { DestResult, PromoteResult } from './fanout.js';
import {
  amisOf,
  kmsKeyFor,
  PROMOTE_MODES,
  type PromoteConfig,
  type PromoteMode,
  parseAccounts,
  parseAge,
  parseAmiIds,
  parseKmsKeys,
  parseLaunchTemplates,
  parseRegions,
  parseRequire,
  parseShareWith,
  renderName,
} from './plan.js';
import type { RolloutResult } from './rollout.js';

function wholeNumber(inp: Inputs, name: string, min: number, max: number, eg: string): number | undefined {
  const v = inp.number(name, min, max);
  if (v !== undefined && !Number.isInteger(v))
    throw new InputError(name, `"${v}" is not a whole number.`, `e.g. ${name}: ${eg}`);
  return v;
}

/** How many copies run at once, and how fast: copy-slots, max-concurrency, copy-completion-minutes. */
function readCopyLimits(inp: Inputs) {
  const maxConcurrency = wholeNumber(inp, 'max-concurrency', 1, 1000, '5');
  // EBS's "Concurrent snapshot copies per destination Region" quota, per account: 20 (not adjustable)
  const copySlots = wholeNumber(inp, 'copy-slots', 1, 10_000, '20') ?? 20;
  const copyCompletionMinutes = wholeNumber(inp, 'copy-completion-minutes', 15, 2880, '60');
  if (copyCompletionMinutes !== undefined && copyCompletionMinutes % 15 !== 0)
    throw new InputError(
      'copy-completion-minutes',
      `"${copyCompletionMinutes}" is not a multiple of 15: CopyImage takes a completion duration in 15-minute increments, from 15 minutes to 48 hours (2880).`,
      'e.g. copy-completion-minutes: 60, or leave it empty for a best-effort copy',
    );
  return { maxConcurrency, copySlots, copyCompletionMinutes };
}

export function readConfig(io: Io): PromoteConfig {
  const inp = new Inputs(io);
  const { ids: amiIds, expectedArch } = parseAmiIds(inp.string('ami-id'));
  const sourceRegion = parseRegions(
    [regionFromEnv(inp.string('source-region'), io.env) ?? ''].filter(Boolean),
    'source-region',
  )[0];
  if (!sourceRegion)
    throw new InputError(
      'source-region',
      'is empty and AWS_REGION is not set.',
      'set source-region to the region of ami-id.',
    );
  const regions = parseRegions(inp.list('regions').length ? inp.list('regions') : [sourceRegion]);
  const accounts = parseAccounts(inp.list('accounts'));
  const roleName = inp.string('role-name');
  let roleArnTemplate = inp.string('role-arn-template') || undefined;
  if (roleName) {
    if (!/^[\w+=,.@/-]{1,64}$/.test(roleName))
      throw new InputError('role-name', `"${roleName}" is not an IAM role name.`, 'e.g. ami-promoter');
    roleArnTemplate ??= `arn:aws:iam::{account}:role/${roleName}`;
  }
  if (roleArnTemplate && !/^arn:aws[\w-]*:iam::\{account\}:role\/[\w+=,.@/-]+$/.test(roleArnTemplate)) {
    throw new InputError(
      'role-arn-template',
      `"${roleArnTemplate}" must be an IAM role ARN with {account}.`,
      'e.g. arn:aws:iam::{account}:role/ami-promoter',
    );
  }
  const kmsKeys = parseKmsKeys(inp.string('kms-key-ids'));
  const encrypt = inp.string('encrypt') === '' ? true : inp.boolean('encrypt');
  if (encrypt && kmsKeys.size) {
    for (const r of regions) {
      const accountsToCheck = accounts.length ? accounts : [''];
      for (const a of accountsToCheck) {
        if (!kmsKeyFor(kmsKeys, a, r)) {
          throw new InputError(
            'kms-key-ids',
            `has no key for ${a ? `${a}:` : ''}${r}.`,
            `add a line ${r}=alias/<key> (or ${a || '<account>'}:${r}=...), or leave kms-key-ids empty to use each account's default EBS key.`,
          );
        }
      }
    }
  }
  const tags: Record<string, string> = {};
  for (const { key, value } of parseVars(inp.string('tags'), 'tags')) tags[key] = value;
  const tagProblems = tagLimitProblems(tags);
  if (tagProblems.length)
    throw new InputError(
      'tags',
      `EC2 would refuse them: ${tagProblems.join('; ')}.`,
      'shorten or drop tags.',
    );
  const ssmParameter = inp.string('ssm-parameter') || undefined;
  // {arch} becomes the image's architecture: checked with the longest EC2 has (x86_64_mac)
  if (ssmParameter) checkSsmParameterName(ssmParameter.replace(/\{arch\}/g, 'x86_64_mac'), ssmParameter);
  const deprecateAfterMs = parseAge(inp.string('deprecate-after'), 'deprecate-after');
  const retain = wholeNumber(inp, 'retain', 1, 1000, '3');
  const { maxConcurrency, copySlots, copyCompletionMinutes } = readCopyLimits(inp);
  const modeRaw = inp.string('mode').toLowerCase();
  if (modeRaw && !(PROMOTE_MODES as readonly string[]).includes(modeRaw))
    throw new InputError(
      'mode',
      `"${modeRaw}" is not one of ${PROMOTE_MODES.join(', ')}.`,
      'use all (default), stage (start copies after bake), publish (after the gate), discard (remove candidates) or quarantine (take a failed golden image out of use).',
    );
  const candidateTtlMs = parseAge(inp.string('candidate-ttl') || '24h', 'candidate-ttl') ?? 86_400_000;
  const launchTemplates = parseLaunchTemplates(inp.list('launch-templates'));
  // inputs that only mean something with launch-templates: never silently ignored
  for (const name of ['instance-refresh', 'launch-template-default'])
    if (inp.boolean(name) && !launchTemplates.length)
      throw new InputError(
        name,
        'acts on the launch templates promote rolls out, and launch-templates is empty.',
        'list launch-templates (account:region:lt-id or name), or remove it.',
      );
  // The name template is rendered now, with a stand-in source name, so a bad one fails before any call.
  renderName(inp.string('name'), {
    sha: '0000000',
    sourceName: 'source-name',
    now: new Date(),
    arch: 'x86_64_mac',
  });
  const mode = (modeRaw || 'all') as PromoteMode;
  if (amiIds.length > 1) checkSeveralSources(inp, mode, amiIds.length, ssmParameter, launchTemplates.length);
  return {
    mode,
    candidateTtlMs,
    amiId: amiIds[0],
    amiIds,
    expectedArch,
    sourceRegion,
    regions,
    accounts,
    roleArnTemplate,
    kmsKeys,
    encrypt,
    share: parseShareWith(inp.list('share-with')),
    tags,
    nameTemplate: inp.string('name'),
    ssmParameter,
    deprecateAfterMs,
    retain,
    maxConcurrency,
    copySlots,
    copyCompletionMinutes,
    require: parseRequire(inp.string('require')),
    dryRun: inp.boolean('dry-run'),
    deadlineMs: Math.round((inp.number('deadline', 0.05, 7 * 24 * 60) ?? 180) * 60_000),
    launchTemplates,
    launchTemplateDefault: inp.boolean('launch-template-default'),
    instanceRefresh: inp.boolean('instance-refresh'),
    minHealthyPercentage: wholePercentage(inp.number('instance-refresh-min-healthy', 0, 100) ?? 90),
    deregistrationProtection: inp.boolean('deregistration-protection'),
  };
}

/**
 * Several source images in one run (a family's architectures): what cannot be shared between them
 * is refused before any call. Names and parameters are checked again, rendered, once the sources are read.
 */
function checkSeveralSources(
  inp: Inputs,
  mode: PromoteMode,
  n: number,
  ssmParameter: string | undefined,
  launchTemplates: number,
): void {
  if (mode === 'quarantine')
    throw new InputError(
      'ami-id',
      `lists ${n} images, and quarantine takes one: the golden image (or build AMI) whose re-scan failed.`,
      'run quarantine once per image.',
    );
  if (ssmParameter && !ssmParameter.includes('{arch}'))
    throw new InputError(
      'ssm-parameter',
      `"${ssmParameter.slice(0, 80)}" would name ${n} images at once: each source needs a parameter of its own.`,
      'put {arch} in it, e.g. /golden/ubuntu-22.04/{arch}.',
    );
  if (launchTemplates)
    throw new InputError(
      'launch-templates',
      `rolls out one image, and ami-id lists ${n}: a launch template launches one architecture.`,
      'roll out in a promote step per architecture, or leave launch-templates empty here.',
    );
  const name = inp.string('name');
  if (name && !/\{(source|arch)\}/.test(name))
    throw new InputError(
      'name',
      `"${name.slice(0, 80)}" gives the ${n} images' copies one name, and AMI names are unique per account and region.`,
      'put {arch} or {source} in it, e.g. golden-ubuntu-22.04-{arch}-{date}-{sha}.',
    );
}

/**
 * An SSM parameter name SSM accepts: letters, digits and _.-/ (at most 1011), not in the namespaces
 * AWS reserves (a first level of aws or ssm, any case), at most 15 levels deep.
 */
export function checkSsmParameterName(name: string, given = name): void {
  const bad = (why: string) =>
    new InputError(
      'ssm-parameter',
      `"${given.slice(0, 80)}" ${why}.`,
      'e.g. /golden/ubuntu-22.04/latest, or /golden/ubuntu-22.04/{arch} (one per architecture)',
    );
  if (!/^\/?[\w.\-/]{1,1011}$/.test(name)) throw bad('is not an SSM parameter name');
  const levels = name.replace(/^\//, '').split('/');
  if (/^(aws|ssm)/i.test(levels[0])) throw bad('starts with aws or ssm, which SSM reserves');
  if (levels.length > 15) throw bad(`is ${levels.length} levels deep; SSM allows 15`);
  if (levels.some((l) => !l)) throw bad('has an empty level (//, or a trailing /)');
}

/** Auto Scaling takes a whole percentage. */
function wholePercentage(n: number): number {
  if (!Number.isInteger(n))
    throw new InputError(
      'instance-refresh-min-healthy',
      `"${n}" is not a whole percentage; Auto Scaling takes 0 to 100 in whole numbers.`,
      'e.g. instance-refresh-min-healthy: 90',
    );
  return n;
}

export async function runPromote(io: Io, signal?: AbortSignal): Promise<void> {
  const cfg = readConfig(io);
  const { promoteWith } = await import('./fanout.js');
  const results = await promoteWith(io, cfg, signal);
  if (results.length === 1) await report(io, cfg, results[0]);
  else await reportSeveral(io, cfg, results);
}

/**
 * Several sources: the counts summed, the maps keyed by source AMI (and `amis-<arch>` for an
 * architecture one source has), a summary section per source; any source that failed fails the step.
 */
async function reportSeveral(io: Io, cfg: PromoteConfig, rs: PromoteResult[]): Promise<void> {
  const sum = (f: (r: PromoteResult) => number) => rs.reduce((n, r) => n + f(r), 0);
  const count = (r: PromoteResult, o: DestResult['outcome']) =>
    r.results.filter((x) => x.outcome === o).length;
  const byArch = new Map<string, PromoteResult[]>();
  for (const r of rs)
    if (r.architecture) byArch.set(r.architecture, [...(byArch.get(r.architecture) ?? []), r]);
  const maps = (pick: (r: PromoteResult) => Record<string, Record<string, string>>) => {
    io.setOutput('amis', JSON.stringify(Object.fromEntries(rs.map((r) => [r.amiId, pick(r)]))));
    for (const [arch, of] of byArch)
      if (of.length === 1) io.setOutput(`amis-${arch}`, JSON.stringify(pick(of[0])));
  };
  const head = (r: PromoteResult) => `\`${r.amiId}\`${r.architecture ? ` (${r.architecture})` : ''}`;
  if (cfg.mode === 'discard') {
    io.setOutput(
      'discarded',
      cfg.dryRun ? 0 : sum((r) => r.discarded.reduce((n, d) => n + d.removed.length, 0)),
    );
    if (cfg.dryRun)
      io.setOutput(
        'plan',
        JSON.stringify(rs.flatMap((r) => r.discarded.map((d) => ({ source: r.amiId, ...d })))),
      );
    io.setOutput('amis', '{}');
    io.setOutput('failed', 0);
    await io.appendSummary(rs.map((r) => discardSummary(r, r)).join('\n'));
    return;
  }
  io.setOutput(
    'stale-removed',
    sum((r) => r.swept),
  );
  if (cfg.dryRun) {
    maps((r) => amisOf(r.plan.filter((d) => d.state === 'exists' || d.state === 'source')));
    io.setOutput('copied', 0);
    io.setOutput(
      'reused',
      sum((r) => r.plan.filter((d) => d.state === 'exists' || d.state === 'pending').length),
    );
    io.setOutput('retired', 0);
    io.setOutput('failed', 0);
    await io.appendSummary(rs.map((r) => dryRunSummary({ ...cfg, amiId: r.amiId }, r)).join('\n'));
    return;
  }
  // a source that stopped on an error has no result for any of its destinations: none is done
  const failedOf = (r: PromoteResult) => (r.error ? r.plan.length : count(r, 'failed'));
  const failed = sum(failedOf);
  io.setOutput(
    'copied',
    sum((r) => count(r, 'copied')),
  );
  io.setOutput(
    'reused',
    sum((r) => count(r, 'reused')),
  );
  io.setOutput('failed', failed);
  const stopped = (r: PromoteResult) =>
    `## ami-bakery promote${cfg.mode === 'stage' ? ' (stage)' : ''}\n\n${head(r)} (${cfg.sourceRegion}) → **${r.name}**: ❌ stopped: ${escapeMarkdown(r.error ?? '')}\n`;
  if (cfg.mode === 'stage') {
    io.setOutput('amis', '{}');
    io.setOutput(
      'candidates',
      JSON.stringify(
        Object.fromEntries(rs.map((r) => [r.amiId, amisOf(r.results.filter((x) => x.outcome !== 'failed'))])),
      ),
    );
    io.setOutput('retired', 0);
    await io.appendSummary(
      rs.map((r) => (r.error ? stopped(r) : stageSummary({ ...cfg, amiId: r.amiId }, r))).join('\n'),
    );
  } else {
    // a source is in `amis` only when every destination of it is golden
    maps((r) => (failedOf(r) || !r.results.every((x) => x.golden) ? {} : amisOf(r.results)));
    io.setOutput(
      'retired',
      sum((r) => r.results.reduce((n, x) => n + x.retired, r.buildRetired)),
    );
    io.setOutput('launch-template-versions', '[]');
    await io.appendSummary(
      rs.map((r) => (r.error ? stopped(r) : promoteSummary({ ...cfg, amiId: r.amiId }, r))).join('\n'),
    );
  }
  const bad = rs.filter((r) => failedOf(r));
  if (bad.length)
    throw new Error(
      `${bad.length} of ${rs.length} source images did not finish: ${bad
        .map((r) =>
          r.error
            ? `${r.amiId}: ${r.error}`
            : `${r.amiId}: ${count(r, 'failed')} of ${r.results.length} destination(s) failed (${r.results
                .filter((x) => x.outcome === 'failed')
                .map((x) => `${x.account}/${x.region}: ${x.error}`)
                .join('; ')}); ${whatIsGolden(r.results)}`,
        )
        .join(' | ')}. Re-run promote to resume: available copies are reused, failed ones replaced.`,
    );
}

/** Outputs and the job summary, counted from the typed results; a failed destination fails the step. */
async function report(io: Io, cfg: PromoteConfig, r: PromoteResult): Promise<void> {
  if (r.mode === 'discard') return reportDiscard(io, cfg, r);
  if (r.mode === 'quarantine') return reportQuarantine(io, cfg, r);
  io.setOutput('stale-removed', r.swept);
  if (r.dryRun) {
    const have = r.plan.filter((d) => d.state === 'exists' || d.state === 'source');
    setAmis(io, r, amisOf(have));
    io.setOutput('copied', 0);
    io.setOutput('reused', r.plan.filter((d) => d.state === 'exists' || d.state === 'pending').length);
    io.setOutput('retired', 0);
    io.setOutput('failed', 0);
    await io.appendSummary(dryRunSummary(cfg, r));
    return;
  }
  if (r.mode === 'stage') return reportStage(io, cfg, r);
  const { results } = r;
  const ok = results.filter((x) => x.outcome !== 'failed');
  const failed = results.filter((x) => x.outcome === 'failed');
  setAmis(io, r, failed.length ? {} : amisOf(ok));
  io.setOutput('copied', results.filter((x) => x.outcome === 'copied').length);
  io.setOutput('reused', results.filter((x) => x.outcome === 'reused').length);
  io.setOutput(
    'retired',
    results.reduce((n, x) => n + x.retired, r.buildRetired),
  );
  io.setOutput('failed', failed.length);
  io.setOutput('launch-template-versions', JSON.stringify(r.rollout));
  await io.appendSummary(`${promoteSummary(cfg, r)}${rolloutSummary(r.rollout)}`);
  if (failed.length)
    throw new Error(
      `${failed.length} of ${r.plan.length} destination(s) failed (${failed.map((x) => `${x.account}/${x.region}: ${x.error}`).join('; ')}). ${whatIsGolden(results)} Available: ${ok.map((x) => `${x.account}/${x.region}`).join(', ') || 'none'}. Re-run promote to resume: available copies are reused, failed ones replaced.`,
    );
  failRollout(r.rollout);
}

/** One source: `amis`, and the same as `amis-<arch>` (as with several sources, one per architecture). */
function setAmis(io: Io, r: PromoteResult, amis: Record<string, Record<string, string>>): void {
  io.setOutput('amis', JSON.stringify(amis));
  if (r.architecture) io.setOutput(`amis-${r.architecture}`, JSON.stringify(amis));
}

/** The launch templates' new versions, for the summary. */
export function rolloutSummary(rollout: readonly RolloutResult[]): string {
  if (!rollout.length) return '';
  return [
    '',
    '### Launch templates',
    '',
    '| account | region | launch template | version | image | default |',
    '|---|---|---|---:|---|---|',
    ...rollout.map(
      (x) =>
        `| ${x.account} | ${x.region} | ${x.launchTemplate} | ${x.error ? `❌ ${x.error}` : `${x.version}${x.created ? ' (new)' : ' (already)'}`} | \`${x.imageId}\` | ${x.isDefault ? 'yes' : 'no'} |`,
    ),
    '',
  ].join('\n');
}

/** A launch template that could not be updated fails the step (the images themselves are done). */
function failRollout(rollout: readonly RolloutResult[]): void {
  const bad = rollout.filter((x) => x.error);
  if (bad.length)
    throw new Error(
      `${bad.length} launch template(s) not updated: ${bad.map((x) => `${x.account}/${x.region} ${x.launchTemplate}: ${x.error}`).join('; ')}. The golden images are published; re-run promote to update them (versions already made are reused).`,
    );
}

/** Exactly what is golden and which SSM parameters name a copy, when not every destination made it. */
export function whatIsGolden(results: readonly DestResult[]): string {
  const where = (xs: readonly DestResult[]) => xs.map((x) => `${x.account}/${x.region}`).join(', ');
  const golden = results.filter((x) => x.golden);
  const ssm = results.filter((x) => x.ssmUpdated);
  if (!golden.length) return 'Nothing was tagged golden.';
  return `Tagged golden in ${golden.length} of ${results.length}: ${where(golden)}${ssm.length ? `; the SSM parameter names the copy in ${where(ssm)}` : ''}.`;
}

/** The job summary's table: one row per destination, and what a re-run does when one failed. */
export function promoteSummary(
  cfg: Pick<PromoteConfig, 'amiId' | 'sourceRegion' | 'require'>,
  r: Pick<PromoteResult, 'name' | 'results'>,
): string {
  const { results } = r;
  const ok = results.filter((x) => x.outcome !== 'failed');
  const failed = results.filter((x) => x.outcome === 'failed');
  const status = (x: DestResult) =>
    x.outcome === 'failed'
      ? `❌ ${x.golden ? 'golden, but ' : ''}${x.error ?? 'failed'}`
      : x.golden
        ? `golden${x.ssmUpdated ? ', SSM parameter updated' : ''}`
        : 'available, not golden yet';
  return [
    '## ami-bakery promote',
    '',
    `\`${cfg.amiId}\` (${cfg.sourceRegion}) → **${r.name}**${cfg.require.length ? '' : ' — ⚠️ gate off (require: none)'}`,
    '',
    '| account | region | outcome | AMI | time | status | retired |',
    '|---|---|---|---|---:|---|---:|',
    ...results.map(
      (x) =>
        `| ${x.account} | ${x.region} | ${x.outcome} | ${x.imageId ? `\`${x.imageId}\`` : '—'} | ${x.seconds} s | ${status(x).replace(/\|/g, '\\|')} | ${x.retired} |`,
    ),
    '',
    failed.length
      ? `${failed.length} of ${results.length} destination(s) failed. ${whatIsGolden(results)} Available: ${ok.map((x) => `${x.account}/${x.region}`).join(', ') || 'none'}. A re-run resumes: it reuses the available copies, replaces failed ones, and tags all of them golden once every destination is ready.`
      : `All ${results.length} destination(s) are golden.`,
    '',
  ].join('\n');
}

/** A dry run of stage or publish: what a real run would do per destination; it did nothing. */
export function dryRunSummary(
  cfg: Pick<PromoteConfig, 'amiId' | 'sourceRegion'>,
  r: Pick<PromoteResult, 'mode' | 'name' | 'plan'>,
): string {
  const would = {
    copy: 'copy it',
    exists: 'reuse the copy already there',
    pending: 'wait for the copy in progress',
    source: 'the source itself',
  };
  return [
    `## ami-bakery promote (${r.mode}, dry run: nothing was changed)`,
    '',
    `\`${cfg.amiId}\` (${cfg.sourceRegion}) → **${r.name}**: what a real run would do. Nothing was copied, tagged, shared or published.`,
    '',
    '| account | region | a real run would | AMI |',
    '|---|---|---|---|',
    ...r.plan.map(
      (d) => `| ${d.account} | ${d.region} | ${would[d.state]} | ${d.imageId ? `\`${d.imageId}\`` : '—'} |`,
    ),
    '',
  ].join('\n');
}

/** stage: the candidates started or found; nothing is golden, so `amis` stays empty. */
async function reportStage(io: Io, cfg: PromoteConfig, r: PromoteResult): Promise<void> {
  const { results } = r;
  const failed = results.filter((x) => x.outcome === 'failed');
  io.setOutput('amis', '{}');
  io.setOutput('candidates', JSON.stringify(amisOf(results.filter((x) => x.outcome !== 'failed'))));
  io.setOutput('copied', results.filter((x) => x.outcome === 'copied').length);
  io.setOutput('reused', results.filter((x) => x.outcome === 'reused').length);
  io.setOutput('retired', 0);
  io.setOutput('failed', failed.length);
  await io.appendSummary(stageSummary(cfg, r));
  if (failed.length)
    throw new Error(
      `${failed.length} of ${results.length} copies could not be started (${failed.map((x) => `${x.account}/${x.region}: ${x.error}`).join('; ')}). publish copies what is missing.`,
    );
}

/** stage's summary: each candidate started, found, or not started. */
function stageSummary(cfg: Pick<PromoteConfig, 'amiId' | 'sourceRegion'>, r: PromoteResult): string {
  return [
    '## ami-bakery promote (stage)',
    '',
    `\`${cfg.amiId}\` (${cfg.sourceRegion}) → **${r.name}**: copies started before the gate. They are candidates, private to each account (no launch permissions, no SSM parameter, nothing golden) until \`mode: publish\` checks the gate; \`mode: discard\` removes them.`,
    '',
    '| account | region | copy | AMI |',
    '|---|---|---|---|',
    ...r.results.map(
      (x) =>
        `| ${x.account} | ${x.region} | ${x.outcome === 'copied' ? 'started' : x.outcome === 'reused' ? (x.state === 'source' ? 'the source itself' : 'already there') : `❌ ${(x.error ?? 'failed').replace(/\|/g, '\\|')}`} | ${x.imageId ? `\`${x.imageId}\`` : '—'} |`,
    ),
    '',
    r.swept ? `Removed ${r.swept} stale candidate(s) of earlier unfinished runs of this family.` : '',
    '',
  ].join('\n');
}

/** discard: what was removed, and what was left alone because it is not a candidate. */
/** Per destination: what was quarantined now or before, the launch permissions removed, the SSM parameter. */
async function reportQuarantine(io: Io, cfg: PromoteConfig, r: PromoteResult): Promise<void> {
  const q = r.quarantined;
  const now = q.reduce((n, d) => n + d.quarantined.length, 0);
  const before = q.reduce((n, d) => n + d.already.length, 0);
  // a dry run changed nothing: its outputs say so, and the plan says what a real run would do
  io.setOutput('quarantined', r.dryRun ? '[]' : JSON.stringify(q));
  if (r.dryRun) io.setOutput('plan', JSON.stringify(q));
  io.setOutput('amis', '{}');
  io.setOutput('failed', 0);
  const left = q.filter((d) => d.ssm?.action === 'left');
  io.setOutput('launch-template-versions', JSON.stringify(r.rollout));
  await io.appendSummary(
    [
      `## ami-bakery promote (quarantine${r.dryRun ? ', dry run: nothing was changed' : ''})`,
      '',
      r.dryRun
        ? `Copies of \`${cfg.amiId}\` a real run would take out of use: **${now}**; ${before} already quarantined.`
        : `Copies of \`${cfg.amiId}\` taken out of use: **${now}** now, ${before} by an earlier run (deprecated, launch permissions removed, tagged ${TAG.status}=quarantined).`,
      '',
      `| account | region | ${r.dryRun ? 'would quarantine' : 'quarantined now'} | already | launch permissions ${r.dryRun ? 'to remove' : 'removed'} | SSM parameter |`,
      '|---|---|---|---|---|---|',
      ...q.map(
        (d) =>
          `| ${d.account} | ${d.region} | ${d.quarantined.map((i) => `\`${i}\``).join(' ') || '—'} | ${d.already.map((i) => `\`${i}\``).join(' ') || '—'} | ${d.unshared.join(', ') || '—'} | ${d.ssm ? `${d.ssm.action === 'left' ? '⚠️ ' : ''}${d.ssm.note}` : '—'} |`,
      ),
      '',
      left.length
        ? `⚠️ **${left.length} parameter(s) still name a quarantined image**: no golden image of the family passed its last scan there. Publish a fixed image.`
        : '',
      rolloutSummary(r.rollout),
    ].join('\n'),
  );
  failRollout(r.rollout);
}

async function reportDiscard(io: Io, cfg: PromoteConfig, r: PromoteResult): Promise<void> {
  const removed = r.discarded.reduce((n, d) => n + d.removed.length, 0);
  io.setOutput('discarded', r.dryRun ? 0 : removed);
  if (r.dryRun) io.setOutput('plan', JSON.stringify(r.discarded));
  io.setOutput('amis', '{}');
  io.setOutput('failed', 0);
  await io.appendSummary(discardSummary(cfg, r));
}

/** discard's summary: what was removed, and what was left alone because it is not a candidate. */
function discardSummary(cfg: Pick<PromoteConfig, 'amiId'>, r: PromoteResult): string {
  const removed = r.discarded.reduce((n, d) => n + d.removed.length, 0);
  const kept = r.discarded.flatMap((d) => d.kept.map((k) => `${d.account}/${d.region} ${k}`));
  return [
    `## ami-bakery promote (discard${r.dryRun ? ', dry run: nothing was changed' : ''})`,
    '',
    `Candidate copies of \`${cfg.amiId}\` ${r.dryRun ? 'a real run would remove' : 'removed'} with their snapshots: **${removed}**${kept.length ? `; not candidates, left alone: ${kept.join(', ')}` : ''}.`,
    '',
  ].join('\n');
}
