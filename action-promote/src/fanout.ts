/**
 * action-promote's AWS work (loaded after the inputs are validated), as steps that return typed
 * results: the accounts, the source and its gate, the destination plan, the copy fan-out, publishing.
 * promote.ts turns the PromoteResult into outputs and the summary.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeImagesCommand,
  type EC2Client,
  GetImageBlockPublicAccessStateCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { describeImage, describeOwnImages } from '../../shared/src/aws/ec2.js';
import { imageTags, snapshotIdsOf, TAG, TAG_PREFIX, tagLimitProblems } from '../../shared/src/aws/tags.js';
import { deadlineSignal } from '../../shared/src/deadline.js';
import { GateError, InputError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { codeSpan, escapeMarkdown } from '../../shared/src/markdown.js';
import { type Account, assumeRoles, Clients, callerAccounts, removeImage, shareSource } from './aws.js';
import { copyAll, type DestResult } from './copy.js';
import {
  archParameter,
  classifyCopies,
  type Destination,
  destinationTags,
  evaluateGate,
  kmsKeyFor,
  launchTemplateProblems,
  nameFamily,
  type PromoteConfig,
  type PromoteMode,
  quarantineRoot,
  renderName,
  staleCandidates,
} from './plan.js';
import { closeBuildAmi, publishAll } from './publish.js';
import { type QuarantineResult, quarantineCopies } from './quarantine.js';
import { checkLaunchTemplates, type RolloutResult, rollOutAll } from './rollout.js';

export type { DestResult } from './copy.js';

/** discard: what became of the candidate copies in one destination. */
export interface DiscardResult {
  account: string;
  region: string;
  /** candidate copies deregistered (with their snapshots) */
  removed: string[];
  /** copies of the source that are not candidates (golden, promoted): never touched */
  kept: string[];
}

/** What a promote run did: the plan, and (unless dry-run) each destination's result. */
export interface PromoteResult {
  mode: PromoteMode;
  name: string;
  /** stale candidates of crashed runs (same family, older than candidate-ttl) removed */
  swept: number;
  /** discard only: per destination */
  discarded: DiscardResult[];
  /** quarantine only: per destination */
  quarantined: QuarantineResult[];
  /** launch templates given a version with the golden copy (or, in quarantine, the rollback image) */
  rollout: RolloutResult[];
  plan: Destination[];
  dryRun: boolean;
  /** one per destination, sorted by account and region; empty for a dry run */
  results: DestResult[];
  /** old build AMIs retired in the source region when it is not a destination itself */
  buildRetired: number;
}

export async function promoteWith(io: Io, cfg: PromoteConfig, signal?: AbortSignal): Promise<PromoteResult> {
  const clients = new Clients();
  try {
    return await promote(io, cfg, clients, signal);
  } finally {
    clients.destroy();
  }
}

async function promote(
  io: Io,
  cfg: PromoteConfig,
  clients: Clients,
  signal?: AbortSignal,
): Promise<PromoteResult> {
  const sts = clients.sts(cfg.sourceRegion);
  const { source: sourceAccount, ids: accountIds, others } = await callerAccounts(sts, cfg);
  const empty = {
    swept: 0,
    discarded: [],
    quarantined: [],
    rollout: [],
    results: [],
    buildRetired: 0,
    plan: [],
  };
  if (cfg.mode === 'discard') {
    const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
    const discarded = await discardCandidates(io, cfg, clients, accounts, accountIds, sourceAccount);
    return { ...empty, mode: cfg.mode, name: '', dryRun: cfg.dryRun, discarded };
  }
  if (cfg.mode === 'quarantine') {
    const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
    return { ...empty, ...(await quarantineMode(io, cfg, clients, accounts, accountIds, sourceAccount)) };
  }
  // The source: it must exist; its tags decide the gate (not when staging: the gate is publish's).
  // Nothing has changed yet.
  const srcEc2 = clients.ec2(sourceAccount, cfg.sourceRegion);
  const source = await loadSource(io, cfg, srcEc2, sourceAccount.id);
  cfg.architecture = source.Architecture;
  if (cfg.ssmParameter) cfg.ssmParameter = archParameter(cfg.ssmParameter, source.Architecture);
  const sourceTags = imageTags(source);
  const { name, family } = nameCopies(io, cfg, source, sourceTags, accountIds.includes(sourceAccount.id));
  const baseTags = destinationTags(sourceTags, cfg, family);
  // the copies carry the source's provenance, the tags input and their own: what EC2 would refuse is found now
  const tagProblems = tagLimitProblems({ ...baseTags, [TAG.status]: 'candidate' });
  if (tagProblems.length)
    throw new InputError(
      'tags',
      `the copies' tags (the source's ami-bakery provenance, the tags input, promote's own) would be refused by EC2: ${tagProblems.join('; ')}.`,
      'give fewer or shorter tags.',
    );
  const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);

  if (cfg.share.public) await checkBlockPublicAccess(cfg, clients, accounts, accountIds);
  await checkRollout(cfg, clients, accounts, accountIds);
  const { plan, broken } = await planDestinations(cfg, clients, accounts, accountIds, sourceAccount.id, name);
  logPlan(io, cfg.amiId, name, plan, broken);
  io.setOutput('plan', JSON.stringify(plan));
  if (cfg.dryRun) {
    io.info('dry-run: nothing was changed.');
    return { ...empty, mode: cfg.mode, name, plan, dryRun: true };
  }
  const swept = await sweepStaleCandidates(io, cfg, clients, accounts, accountIds, family);

  // From here on AWS changes: whatever goes wrong, say what is done and that a re-run resumes.
  const deadline = Date.now() + cfg.deadlineMs;
  const timer = deadlineSignal(cfg.deadlineMs, signal);
  const stop = timer.signal;
  const copiers = [
    ...new Set(
      plan.filter((d) => d.state === 'copy' && d.account !== sourceAccount.id).map((d) => d.account),
    ),
  ];
  const sourceSnapshots = snapshotIdsOf(source);
  await shareForCopying(io, srcEc2, cfg.amiId, source, sourceSnapshots, copiers);

  // Copies are candidates until every destination is available; only then is anything golden.
  const results = await copyAll(
    io,
    clients,
    accounts,
    plan,
    broken,
    {
      amiId: cfg.amiId,
      sourceRegion: cfg.sourceRegion,
      source,
      name,
      encrypt: cfg.encrypt,
      tags: { ...baseTags, [TAG.status]: 'candidate' },
      maxConcurrency: cfg.maxConcurrency,
      copySlots: cfg.copySlots,
      copyCompletionMinutes: cfg.copyCompletionMinutes,
      deadline,
      deadlineMs: cfg.deadlineMs,
      runNonce: randomUUID(),
      wait: cfg.mode !== 'stage',
    },
    stop,
    signal,
  ).finally(timer.clear);
  if (cfg.mode === 'stage') return { ...empty, mode: cfg.mode, name, plan, dryRun: false, results, swept };

  let buildRetired = 0;
  let rollout: RolloutResult[] = [];
  if (!results.some((r) => r.outcome === 'failed')) {
    // Every destination is available: now, and only now, the copies become golden.
    await publishAll(io, cfg, clients, accounts, results, family, { ...baseTags, [TAG.status]: 'golden' });
    if (!results.some((r) => r.outcome === 'failed')) {
      const golden = new Map(results.map((r) => [`${r.account}/${r.region}`, r.imageId!]));
      rollout = await rollOutAll(io, cfg, clients, accounts, golden, `ami-bakery: ${name}`);
    }
    if (cfg.encrypt && !results.some((r) => r.outcome === 'failed')) {
      const label = `${sourceAccount.id}/${cfg.sourceRegion}`;
      const n = await closeBuildAmi(io, cfg, srcEc2, label, copiers, sourceSnapshots, family);
      const here = results.find((r) => r.account === sourceAccount.id && r.region === cfg.sourceRegion);
      if (here) here.retired += n;
      else buildRetired = n;
    }
  }
  return { ...empty, mode: cfg.mode, name, plan, dryRun: false, results, buildRetired, swept, rollout };
}

/** mode quarantine: from the image given to its build AMI, then every copy of that; launch templates back. */
async function quarantineMode(
  io: Io,
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  sourceAccount: Account,
): Promise<Pick<PromoteResult, 'mode' | 'name' | 'dryRun' | 'quarantined' | 'rollout'>> {
  const given = await describeImage(clients.ec2(sourceAccount, cfg.sourceRegion), cfg.amiId);
  if (!given)
    throw new InputError(
      'ami-id',
      `${cfg.amiId} was not found in ${cfg.sourceRegion} (account ${sourceAccount.id}).`,
      'give the golden image (or its build AMI) that failed its re-scan, and its region as source-region.',
    );
  const givenTags = imageTags(given);
  // Only what ami-bakery baked or promoted: a typo in ami-id must not take an unrelated image out of use.
  if (!Object.keys(givenTags).some((k) => k.startsWith(TAG_PREFIX)))
    throw new InputError(
      'ami-id',
      `${cfg.amiId} (${given.Name ?? 'no name'}) carries no ami-bakery tags: ami-bakery neither baked nor promoted it, so quarantine leaves it alone.`,
      'give the golden image (or its build AMI) whose re-scan failed; an image from elsewhere is deprecated by hand.',
    );
  const root = quarantineRoot(cfg.amiId, cfg.sourceRegion, givenTags);
  if (root.amiId !== cfg.amiId)
    io.info(`${cfg.amiId} is a copy of ${root.amiId} (${root.region}): quarantining every copy of it.`);
  await checkRollout(cfg, clients, accounts, accountIds);
  const quarantined = await quarantineCopies(io, cfg, clients, accounts, accountIds, {
    ...root,
    account: sourceAccount.id,
  });
  const back = new Map(
    quarantined.filter((q) => q.rollbackTo).map((q) => [`${q.account}/${q.region}`, q.rollbackTo!]),
  );
  if (cfg.dryRun) {
    for (const [where, to] of back)
      if (cfg.launchTemplates.length) io.info(`dry-run: ${where}: launch templates would roll back to ${to}`);
    io.info('dry-run: nothing was changed.');
    return { mode: cfg.mode, name: '', dryRun: true, quarantined, rollout: [] };
  }
  const rollout = await rollOutAll(
    io,
    cfg,
    clients,
    accounts,
    back,
    `ami-bakery quarantine of ${cfg.amiId}: rolled back`,
  );
  return { mode: cfg.mode, name: '', dryRun: false, quarantined, rollout };
}

/**
 * share-with all: every destination account and region must allow new public sharing (AMI Block Public
 * Access off); one that blocks it is refused before anything is copied, not found out halfway.
 */
async function checkBlockPublicAccess(
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
): Promise<void> {
  const blocked: string[] = [];
  for (const a of accountIds)
    for (const region of cfg.regions) {
      const r = await clients
        .ec2(accounts.get(a)!, region)
        .send(new GetImageBlockPublicAccessStateCommand({}));
      if (r.ImageBlockPublicAccessState === 'block-new-sharing') blocked.push(`${a}/${region}`);
    }
  if (blocked.length)
    throw new InputError(
      'share-with',
      `"all" shares the golden image publicly, and AMI Block Public Access blocks new public sharing in ${blocked.join(', ')}.`,
      'share with accounts or your organisation instead; or, if the image must be public, disable image block public access in those accounts and regions first.',
    );
}

/** The launch templates are destinations of this promote, and exist: checked before anything changes. */
async function checkRollout(
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
): Promise<void> {
  if (!cfg.launchTemplates.length) return;
  const problems = launchTemplateProblems(cfg.launchTemplates, accountIds, cfg.regions);
  if (problems.length)
    throw new InputError(
      'launch-templates',
      problems.join('; '),
      'list launch templates in the accounts and regions promote copies to.',
    );
  await checkLaunchTemplates(clients, accounts, cfg.launchTemplates, cfg.architecture);
}

/** The source image, available and not a candidate copy, with its provenance gate passed. */
async function loadSource(io: Io, cfg: PromoteConfig, srcEc2: EC2Client, account: string): Promise<Image> {
  const source = await describeImage(srcEc2, cfg.amiId);
  if (!source)
    throw new InputError(
      'ami-id',
      `${cfg.amiId} was not found in ${cfg.sourceRegion} (account ${account}).`,
      'check ami-id and source-region.',
    );
  if (source.State !== 'available')
    throw new InputError(
      'ami-id',
      `${cfg.amiId} is ${source.State}, not available.`,
      'promote an available image.',
    );
  const sourceTags = imageTags(source);
  if (sourceTags[TAG.status] === 'candidate')
    throw new InputError(
      'ami-id',
      `${cfg.amiId} is a candidate copy made by an unfinished promote (of ${sourceTags[TAG.sourceAmi] ?? 'another image'}).`,
      'promote the build AMI that bake output.',
    );
  if (cfg.mode === 'stage') {
    io.info(
      `stage: copies start before ${cfg.amiId} is verified and scanned; they stay candidates, private to each account, until publish checks the gate.`,
    );
  } else if (cfg.require.length) {
    const problems = evaluateGate(cfg.require, sourceTags);
    if (problems.length) {
      // the most important gate event has a summary of its own: what failed, what was not done
      await io.appendSummary(refusalSummary(cfg, problems, account));
      throw new GateError(
        `promote refused ${cfg.amiId}: ${problems.join('; ')}. Nothing was copied (require: ${cfg.require.map((r) => r.raw).join(',')}).`,
      );
    }
    io.info(`Gate passed: ${cfg.require.map((r) => r.raw).join(', ')}`);
  } else
    io.warning(
      `The provenance gate is OFF (require: none): ${cfg.amiId} is promoted without checking its verify/scan tags. The copies are tagged ${TAG.gate}=none.`,
    );
  return source;
}

/**
 * The copies' name and family. With encrypt, the source region holds the build AMI and its encrypted
 * golden copy side by side, and AMI names are unique per account and region: the default name is
 * then `{source}-golden`.
 */
function nameCopies(
  io: Io,
  cfg: PromoteConfig,
  source: Image,
  sourceTags: Record<string, string>,
  sourceAccountIsDestination: boolean,
): { name: string; family: string } {
  const nameTemplate = cfg.nameTemplate || (cfg.encrypt ? '{source}-golden' : '{source}');
  const name = renderName(nameTemplate, {
    sha: io.env.GITHUB_SHA ?? sourceTags[TAG.commit] ?? 'local',
    sourceName: source.Name ?? cfg.amiId,
    now: new Date(),
    arch: source.Architecture,
  });
  const family = nameFamily(nameTemplate, source.Name ?? cfg.amiId);
  if (
    cfg.encrypt &&
    name === source.Name &&
    cfg.regions.includes(cfg.sourceRegion) &&
    sourceAccountIsDestination
  )
    throw new InputError(
      'name',
      `"${name}" is the build AMI's own name: its encrypted copy in ${cfg.sourceRegion} needs another (AMI names are unique per region).`,
      'use a template such as golden-ubuntu-22.04-{date}-{sha}, or leave name empty ({source}-golden).',
    );
  return { name, family };
}

/**
 * Every account × region: reuse the source itself (unencrypted, in its own region), reuse or wait for
 * an earlier copy (found by its source tag, whatever its name: a {time} name differs on every run), or
 * copy. With encrypt the source region gets an encrypted copy too: the unencrypted build AMI is never
 * the golden image. Broken earlier copies are returned per `account/region` for removal.
 */
async function planDestinations(
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  sourceAccountId: string,
  name: string,
): Promise<{ plan: Destination[]; broken: Map<string, Image[]> }> {
  const plan: Destination[] = [];
  const broken = new Map<string, Image[]>();
  const clashes: string[] = [];
  await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region) => {
        const kmsKeyId = cfg.encrypt ? kmsKeyFor(cfg.kmsKeys, a, region) : undefined;
        if (!cfg.encrypt && a === sourceAccountId && region === cfg.sourceRegion) {
          plan.push({ account: a, region, state: 'source', imageId: cfg.amiId });
          return;
        }
        const found = await describeOwnImages(clients.ec2(accounts.get(a)!, region), {
          [TAG.sourceAmi]: cfg.amiId,
        });
        const { usable, broken: bad } = classifyCopies(found, cfg.amiId);
        if (bad.length) broken.set(`${a}/${region}`, bad);
        if (!usable) {
          // AMI names are unique per account and region: a name another image holds is found now,
          // before anything is shared or copied, not by CopyImage halfway (InvalidAMIName.Duplicate)
          const taken = await imagesNamed(clients.ec2(accounts.get(a)!, region), name);
          // a copy of this very source whose tags did not land (moto does not apply CopyImage's
          // TagSpecifications; EC2 does, atomically) is ours, not a clash: its description says so
          const ours = (i: Image) => (i.Description ?? '').includes(`(golden copy of ${cfg.amiId} from `);
          const other = taken.find((i) => !bad.some((b) => b.ImageId === i.ImageId) && !ours(i));
          const t = imageTags(other);
          if (other)
            clashes.push(
              `${a}/${region} has ${other.ImageId} (${t[TAG.sourceAmi] ? `a copy of ${t[TAG.sourceAmi]}` : 'not a copy of this source'}${t[TAG.status] ? `, ${t[TAG.status]}` : ''})`,
            );
        }
        if (usable)
          plan.push({
            account: a,
            region,
            state: usable.State === 'available' ? 'exists' : 'pending',
            imageId: usable.ImageId,
            kmsKeyId,
          });
        else plan.push({ account: a, region, state: 'copy', kmsKeyId });
      }),
    ),
  );
  if (clashes.length)
    throw new InputError(
      'name',
      `"${name}" is already the name of another image in ${clashes.sort().join('; ')}: AMI names are unique per account and region, so its copy there would fail. Nothing was shared or copied.`,
      'make the name unique per build, e.g. golden-ubuntu-22.04-{date}-{time}-{sha}, or retire the image that holds it.',
    );
  plan.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
  return { plan, broken };
}

/** This account's images (not deregistered) named exactly `name`. */
async function imagesNamed(ec2: EC2Client, name: string): Promise<Image[]> {
  const r = await ec2.send(
    new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
  );
  return (r.Images ?? []).filter((i) => i.Name === name && i.State !== 'deregistered');
}

function logPlan(
  io: Io,
  amiId: string,
  name: string,
  plan: Destination[],
  broken: Map<string, Image[]>,
): void {
  io.info(`Plan for ${amiId} → "${name}" (${plan.length} destination(s)):`);
  for (const d of plan) {
    const b = broken.get(`${d.account}/${d.region}`) ?? [];
    io.info(
      `  ${d.account} ${d.region.padEnd(15)} ${d.state}${d.imageId ? ` ${d.imageId}` : ''}${d.kmsKeyId ? ` kms=${d.kmsKeyId}` : ''}${
        b.length ? ` (replaces failed copy ${b.map((x) => x.ImageId).join(', ')})` : ''
      }`,
    );
  }
}

/** Share the source with accounts that copy it (launch permission + snapshot create-volume). */
async function shareForCopying(
  io: Io,
  srcEc2: EC2Client,
  amiId: string,
  source: Image,
  sourceSnapshots: string[],
  copiers: string[],
): Promise<void> {
  if (!copiers.length) return;
  await shareSource(srcEc2, amiId, sourceSnapshots, copiers, 'add');
  io.info(`Shared ${amiId} and its snapshots with ${copiers.join(', ')} for copying.`);
  if (
    (source.BlockDeviceMappings ?? []).some(
      (b) => b.Ebs?.Encrypted && b.Ebs?.KmsKeyId && !/alias\/aws\/ebs/.test(b.Ebs.KmsKeyId),
    )
  ) {
    io.info(
      'Note: the source is encrypted with a customer managed KMS key: its key policy (or a grant) must let the destination accounts use it, or their copies fail.',
    );
  }
}

/** A crashed run's candidates (same family, another source, older than candidate-ttl): removed. */
async function sweepStaleCandidates(
  io: Io,
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  family: string,
): Promise<number> {
  const now = Date.now();
  const counts = await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region) => {
        const ec2 = clients.ec2(accounts.get(a)!, region);
        // another architecture's run of the family has candidates of its own: not this run's to judge
        const found = (
          await describeOwnImages(ec2, { [TAG.status]: 'candidate', [TAG.family]: family })
        ).filter((i) => !cfg.architecture || !i.Architecture || i.Architecture === cfg.architecture);
        const stale = staleCandidates(found, cfg.amiId, now, cfg.candidateTtlMs);
        for (const img of stale) {
          await removeImage(ec2, img);
          io.info(
            `${a}/${region}: removed ${img.ImageId}, a candidate of ${imageTags(img)[TAG.sourceAmi] ?? 'another source'} left by an unfinished run (created ${img.CreationDate}, older than candidate-ttl)`,
          );
        }
        return stale.length;
      }),
    ),
  );
  return counts.reduce((n, c) => n + c, 0);
}

/**
 * discard: every candidate copy of the source, in every destination, deregistered with its
 * snapshots; an image of the source tagged anything else (golden, promoted) is never touched. The
 * temporary share of an unpublished source with the copying accounts is removed too. Idempotent.
 */
async function discardCandidates(
  io: Io,
  cfg: PromoteConfig,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  sourceAccount: Account,
): Promise<DiscardResult[]> {
  const results = await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region): Promise<DiscardResult> => {
        const ec2 = clients.ec2(accounts.get(a)!, region);
        const copies = (await describeOwnImages(ec2, { [TAG.sourceAmi]: cfg.amiId })).filter(
          (i) => i.ImageId !== cfg.amiId,
        );
        const out: DiscardResult = { account: a, region, removed: [], kept: [] };
        for (const img of copies) {
          const status = imageTags(img)[TAG.status];
          if (status !== 'candidate') {
            out.kept.push(img.ImageId!);
            io.info(
              `${a}/${region}: kept ${img.ImageId} (${status ? `status ${status}` : 'no status tag'}): not a candidate`,
            );
            continue;
          }
          out.removed.push(img.ImageId!);
          if (cfg.dryRun) {
            io.info(
              `dry-run: ${a}/${region}: would discard candidate ${img.ImageId} (${img.State}) and its snapshots`,
            );
            continue;
          }
          await removeImage(ec2, img);
          io.info(`${a}/${region}: discarded candidate ${img.ImageId} (${img.State}) and its snapshots`);
        }
        return out;
      }),
    ),
  );
  await unshareUnpublishedSource(
    io,
    cfg,
    clients.ec2(sourceAccount, cfg.sourceRegion),
    accountIds,
    sourceAccount.id,
  );
  return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}

/** The copy share of a source that was never published (not golden, not promoted) ends with discard. */
async function unshareUnpublishedSource(
  io: Io,
  cfg: PromoteConfig,
  srcEc2: EC2Client,
  accountIds: string[],
  sourceAccountId: string,
): Promise<void> {
  const copiers = accountIds.filter((a) => a !== sourceAccountId);
  if (!copiers.length) return;
  const source = await describeImage(srcEc2, cfg.amiId);
  const status = imageTags(source)[TAG.status];
  if (!source || source.State !== 'available' || status === 'golden' || status === 'promoted') return;
  if (cfg.dryRun) {
    io.info(`dry-run: would remove the copy share of ${cfg.amiId} with ${copiers.join(', ')}.`);
    return;
  }
  await shareSource(srcEc2, cfg.amiId, snapshotIdsOf(source), copiers, 'remove');
  io.info(`Removed the copy share of ${cfg.amiId} with ${copiers.join(', ')}.`);
}

/** The job summary of a refused promote: each failed requirement, and what would have been done. */
export function refusalSummary(cfg: PromoteConfig, problems: string[], sourceAccount: string): string {
  const accounts = cfg.accounts.length ? cfg.accounts : [sourceAccount];
  const regions = cfg.regions.length ? cfg.regions : [cfg.sourceRegion];
  const where = accounts.flatMap((a) => regions.map((r) => `${a}/${r}`));
  return [
    '## ami-bakery promote: refused',
    '',
    `${codeSpan(cfg.amiId)} (${escapeMarkdown(cfg.sourceRegion)}) was **not promoted**: its provenance gate failed (require: ${codeSpan(cfg.require.map((r) => r.raw).join(','))}).`,
    '',
    ...problems.map((p) => `- ❌ ${escapeMarkdown(p)}`),
    '',
    `Nothing was copied, shared, published or retired. It would have been copied to ${where.length} destination(s): ${where.map((w) => codeSpan(w)).join(', ')}${cfg.ssmParameter ? `, and named by the SSM parameter ${codeSpan(cfg.ssmParameter)}` : ''}.`,
    '',
  ].join('\n');
}
