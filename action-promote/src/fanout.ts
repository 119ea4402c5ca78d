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
import { GateError, InputError, messageOf } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { codeSpan, escapeMarkdown } from '../../shared/src/markdown.js';
import { type Account, assumeRoles, Clients, callerAccounts, removeImage, shareSource } from './aws.js';
import { CopyPool, copyAll, type DestResult } from './copy.js';
import {
  archParameter,
  checkSourcesApart,
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

/** What a promote run did for one source: the plan, and (unless dry-run) each destination's result. */
export interface PromoteResult {
  mode: PromoteMode;
  /** the source image */
  amiId: string;
  /** EC2's architecture of the source, once read */
  architecture?: string;
  /** the SSM parameter for this source, {arch} filled in */
  ssmParameter?: string;
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
  /** with several sources: this source's work stopped on this error (the others went on) */
  error?: string;
}

/** One source of the run, read, gated and its copies named: nothing has changed yet. */
interface Source {
  /** this source's configuration: its amiId, architecture and SSM parameter */
  cfg: PromoteConfig;
  /** log lines say which source they are about when the run has several */
  io: Io;
  image: Image;
  name: string;
  family: string;
  /** the tags every copy carries (the source's provenance, the tags input, promote's own) */
  baseTags: Record<string, string>;
}

/** Every source of the run (one, or a family's architectures), one result each, in the order given. */
export async function promoteWith(
  io: Io,
  cfg: PromoteConfig,
  signal?: AbortSignal,
): Promise<PromoteResult[]> {
  const clients = new Clients();
  try {
    return await promote(io, cfg, clients, signal);
  } finally {
    clients.destroy();
  }
}

const nothingYet = (cfg: PromoteConfig) => ({
  mode: cfg.mode,
  amiId: cfg.amiId,
  name: '',
  dryRun: cfg.dryRun,
  swept: 0,
  discarded: [],
  quarantined: [],
  rollout: [],
  results: [],
  buildRetired: 0,
  plan: [],
});

/** The same Io, its log lines (info, warning) led by `[prefix]`. */
function prefixedIo(io: Io, prefix: string): Io {
  const out = Object.create(io) as Io;
  out.info = (m) => io.info(`[${prefix}] ${m}`);
  out.warning = (m) => io.warning(`[${prefix}] ${m}`);
  return out;
}

async function promote(
  io: Io,
  cfg: PromoteConfig,
  clients: Clients,
  signal?: AbortSignal,
): Promise<PromoteResult[]> {
  const sts = clients.sts(cfg.sourceRegion);
  const { source: sourceAccount, ids: accountIds, others } = await callerAccounts(sts, cfg);
  const configs = cfg.amiIds.map((amiId) => ({ ...cfg, amiId }));
  const several = configs.length > 1;
  if (cfg.mode === 'discard') {
    const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
    return Promise.all(
      configs.map(async (c) => ({
        ...nothingYet(c),
        discarded: await discardCandidates(io, c, clients, accounts, accountIds, sourceAccount),
      })),
    );
  }
  if (cfg.mode === 'quarantine') {
    // one image only (readConfig)
    const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
    return [
      {
        ...nothingYet(cfg),
        ...(await quarantineMode(io, cfg, clients, accounts, accountIds, sourceAccount)),
      },
    ];
  }
  // Every source read and gated, its copies named and tagged: nothing has changed yet, for any of them.
  const srcEc2 = clients.ec2(sourceAccount, cfg.sourceRegion);
  const sources = await readSources(io, configs, srcEc2, sourceAccount.id, accountIds);
  const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
  if (cfg.share.public) await checkBlockPublicAccess(cfg, clients, accounts, accountIds);
  // launch templates come with one source only (readConfig)
  await checkRollout(sources[0].cfg, clients, accounts, accountIds);
  const plans = await planDestinations(
    cfg,
    sources.map((s) => ({ amiId: s.cfg.amiId, name: s.name })),
    clients,
    accounts,
    accountIds,
    sourceAccount.id,
  );
  for (const [i, s] of sources.entries()) logPlan(s.io, s.cfg.amiId, s.name, plans[i].plan, plans[i].broken);
  io.setOutput(
    'plan',
    JSON.stringify(
      several
        ? plans.flatMap((p, i) => p.plan.map((d) => ({ source: sources[i].cfg.amiId, ...d })))
        : plans[0].plan,
    ),
  );
  const described = (s: Source, i: number) => ({
    ...nothingYet(s.cfg),
    architecture: s.cfg.architecture,
    ssmParameter: s.cfg.ssmParameter,
    name: s.name,
    plan: plans[i].plan,
  });
  if (cfg.dryRun) {
    io.info('dry-run: nothing was changed.');
    return sources.map((s, i) => ({ ...described(s, i), dryRun: true }));
  }
  // From here on AWS changes. Every source's copies share the slots and the looks at progress.
  const pool = new CopyPool(io, cfg.copySlots, cfg.maxConcurrency);
  const copied = await Promise.allSettled(
    sources.map((s, i) =>
      copySource(s, plans[i], clients, accounts, accountIds, sourceAccount, srcEc2, pool, signal),
    ),
  );
  pool.logFigures();
  if (!several && copied[0].status === 'rejected') throw copied[0].reason;
  // Every destination of every source available: now, and only now, the copies become golden; a
  // family's architectures become golden together, or (a re-run resumes) none of them does
  const ready =
    cfg.mode !== 'stage' &&
    copied.every((c) => c.status === 'fulfilled' && !c.value.results.some((r) => r.outcome === 'failed'));
  if (several && cfg.mode !== 'stage' && !ready)
    io.warning(
      'Not every copy of every source is available: none is tagged golden or published (a re-run resumes).',
    );
  const published = await Promise.allSettled(
    ready
      ? [
          publishAll(
            clients,
            accounts,
            copied.map((c, i) => ({
              cfg: sources[i].cfg,
              io: sources[i].io,
              results: (c as PromiseFulfilledResult<Copied>).value.results,
              family: sources[i].family,
              goldenTags: { ...sources[i].baseTags, [TAG.status]: 'golden' },
            })),
          ),
        ]
      : [],
  );
  if (published[0]?.status === 'rejected') throw published[0].reason;
  const finished = await Promise.allSettled(
    copied.map(async (c, i) =>
      ready && c.status === 'fulfilled'
        ? finishSource(sources[i], c.value, clients, accounts, sourceAccount, srcEc2)
        : {},
    ),
  );
  if (!several && finished[0].status === 'rejected') throw finished[0].reason;
  return sources.map((s, i) => {
    const c = copied[i];
    const p = finished[i];
    if (c.status === 'rejected') return { ...described(s, i), error: messageOf(c.reason) };
    const { results, swept } = c.value;
    if (p.status === 'rejected') return { ...described(s, i), results, swept, error: messageOf(p.reason) };
    return { ...described(s, i), results, swept, ...p.value };
  });
}

/**
 * Every source: it must exist; its tags decide the gate (not when staging: the gate is publish's);
 * its copies' names and tags are checked, and with several sources, that they keep apart. Their log
 * lines are led by their architecture (or AMI id).
 */
async function readSources(
  io: Io,
  configs: PromoteConfig[],
  srcEc2: EC2Client,
  sourceAccountId: string,
  accountIds: string[],
): Promise<Source[]> {
  const several = configs.length > 1;
  const read = await Promise.allSettled(
    configs.map((c) =>
      readSource(several ? prefixedIo(io, c.amiId) : io, c, srcEc2, sourceAccountId, accountIds),
    ),
  );
  // the first problem in the order the sources were given, whichever call answered first
  const refused = read.find((r) => r.status === 'rejected');
  if (refused) throw refused.reason;
  const sources = read.map((r) => (r as PromiseFulfilledResult<Source>).value);
  if (!several) return sources;
  checkSourcesApart(
    sources.map((s) => ({
      amiId: s.cfg.amiId,
      name: s.name,
      family: s.family,
      architecture: s.cfg.architecture,
      ssmParameter: s.cfg.ssmParameter,
    })),
  );
  const archs = sources.map((s) => s.cfg.architecture ?? s.cfg.amiId);
  const distinct = new Set(archs).size === archs.length;
  for (const s of sources)
    s.io = prefixedIo(io, distinct ? (s.cfg.architecture ?? s.cfg.amiId) : s.cfg.amiId);
  return sources;
}

/** The source image, gated, its architecture as given, its copies named and their tags within EC2's limits. */
async function readSource(
  io: Io,
  cfg: PromoteConfig,
  srcEc2: EC2Client,
  sourceAccountId: string,
  accountIds: string[],
): Promise<Source> {
  const image = await loadSource(io, cfg, srcEc2, sourceAccountId);
  const expected = cfg.expectedArch[cfg.amiId];
  if (expected && image.Architecture !== expected)
    throw new InputError(
      'ami-id',
      `gives ${cfg.amiId} as ${expected}, and EC2 says it is ${image.Architecture ?? 'of no architecture'}.`,
      "pass bake's ami-ids output as it is, or list the AMI ids.",
    );
  cfg.architecture = image.Architecture;
  if (cfg.ssmParameter) cfg.ssmParameter = archParameter(cfg.ssmParameter, image.Architecture);
  const sourceTags = imageTags(image);
  const { name, family } = nameCopies(io, cfg, image, sourceTags, accountIds.includes(sourceAccountId));
  const baseTags = destinationTags(sourceTags, cfg, family);
  // the copies carry the source's provenance, the tags input and their own: what EC2 would refuse is found now
  const tagProblems = tagLimitProblems({ ...baseTags, [TAG.status]: 'candidate' });
  if (tagProblems.length)
    throw new InputError(
      'tags',
      `the copies' tags of ${cfg.amiId} (the source's ami-bakery provenance, the tags input, promote's own) would be refused by EC2: ${tagProblems.join('; ')}.`,
      'give fewer or shorter tags.',
    );
  return { cfg, io, image, name, family, baseTags };
}

/** One source's copies started, or waited for: what publishing it needs. */
interface Copied {
  results: DestResult[];
  swept: number;
  copiers: string[];
  sourceSnapshots: string[];
}

/** One source's stale candidates removed, its share for copying, its copies (candidates). */
async function copySource(
  s: Source,
  { plan, broken }: { plan: Destination[]; broken: Map<string, Image[]> },
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  sourceAccount: Account,
  srcEc2: EC2Client,
  pool: CopyPool,
  signal?: AbortSignal,
): Promise<Copied> {
  const { cfg, io, image: source, name, family, baseTags } = s;
  const swept = await sweepStaleCandidates(io, cfg, clients, accounts, accountIds, family);
  // whatever goes wrong from here, the results say what is done, and a re-run resumes
  const deadline = Date.now() + cfg.deadlineMs;
  const timer = deadlineSignal(cfg.deadlineMs, signal);
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
      copyCompletionMinutes: cfg.copyCompletionMinutes,
      deadline,
      deadlineMs: cfg.deadlineMs,
      runNonce: randomUUID(),
      wait: cfg.mode !== 'stage',
    },
    pool,
    timer.signal,
    signal,
  ).finally(timer.clear);
  return { results, swept, copiers, sourceSnapshots };
}

/** One source published: its launch templates rolled out, its build AMI closed (both only if every copy is golden). */
async function finishSource(
  s: Source,
  c: Copied,
  clients: Clients,
  accounts: Map<string, Account>,
  sourceAccount: Account,
  srcEc2: EC2Client,
): Promise<Pick<PromoteResult, 'buildRetired' | 'rollout'>> {
  const { cfg, io, name, family } = s;
  const { results } = c;
  if (results.some((r) => r.outcome === 'failed')) return { buildRetired: 0, rollout: [] };
  const golden = new Map(results.map((r) => [`${r.account}/${r.region}`, r.imageId!]));
  const rollout = await rollOutAll(io, cfg, clients, accounts, golden, `ami-bakery: ${name}`);
  let buildRetired = 0;
  if (cfg.encrypt) {
    const label = `${sourceAccount.id}/${cfg.sourceRegion}`;
    const n = await closeBuildAmi(io, cfg, srcEc2, label, c.copiers, c.sourceSnapshots, family);
    const here = results.find((r) => r.account === sourceAccount.id && r.region === cfg.sourceRegion);
    if (here) here.retired += n;
    else buildRetired = n;
  }
  return { buildRetired, rollout };
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
 * Every account × region, for every source: reuse the source itself (unencrypted, in its own
 * region), reuse or wait for an earlier copy (found by its source tag, whatever its name: a {time}
 * name differs on every run), or copy. With encrypt the source region gets an encrypted copy too:
 * the unencrypted build AMI is never the golden image. One look per account × region serves every
 * source (and one more for the names of those to copy). Broken earlier copies are returned per
 * `account/region` for removal.
 */
async function planDestinations(
  cfg: PromoteConfig,
  sources: ReadonlyArray<{ amiId: string; name: string }>,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  sourceAccountId: string,
): Promise<Array<{ plan: Destination[]; broken: Map<string, Image[]> }>> {
  const out = sources.map(() => ({ plan: [] as Destination[], broken: new Map<string, Image[]>() }));
  const clashes: string[] = [];
  await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region) => {
        const ec2 = clients.ec2(accounts.get(a)!, region);
        const kmsKeyId = cfg.encrypt ? kmsKeyFor(cfg.kmsKeys, a, region) : undefined;
        const itself = !cfg.encrypt && a === sourceAccountId && region === cfg.sourceRegion;
        const found = itself
          ? []
          : await describeOwnImages(ec2, { [TAG.sourceAmi]: sources.map((s) => s.amiId) });
        const toCopy: number[] = [];
        for (const [i, { amiId }] of sources.entries()) {
          if (itself) {
            out[i].plan.push({ account: a, region, state: 'source', imageId: amiId });
            continue;
          }
          const { usable, broken: bad } = classifyCopies(
            found.filter((img) => imageTags(img)[TAG.sourceAmi] === amiId),
            amiId,
          );
          if (bad.length) out[i].broken.set(`${a}/${region}`, bad);
          if (usable)
            out[i].plan.push({
              account: a,
              region,
              state: usable.State === 'available' ? 'exists' : 'pending',
              imageId: usable.ImageId,
              kmsKeyId,
            });
          else {
            out[i].plan.push({ account: a, region, state: 'copy', kmsKeyId });
            toCopy.push(i);
          }
        }
        if (!toCopy.length) return;
        // AMI names are unique per account and region: a name another image holds is found now,
        // before anything is shared or copied, not by CopyImage halfway (InvalidAMIName.Duplicate)
        const taken = await imagesNamed(
          ec2,
          toCopy.map((i) => sources[i].name),
        );
        for (const i of toCopy) {
          const { amiId, name } = sources[i];
          const bad = out[i].broken.get(`${a}/${region}`) ?? [];
          // a copy of this very source whose tags did not land (moto does not apply CopyImage's
          // TagSpecifications; EC2 does, atomically) is ours, not a clash: its description says so
          const ours = (img: Image) => (img.Description ?? '').includes(`(golden copy of ${amiId} from `);
          const other = taken.find(
            (img) => img.Name === name && !bad.some((b) => b.ImageId === img.ImageId) && !ours(img),
          );
          const t = imageTags(other);
          if (other)
            clashes.push(
              `${a}/${region} has ${other.ImageId} (${t[TAG.sourceAmi] ? `a copy of ${t[TAG.sourceAmi]}` : 'not a copy of this source'}${t[TAG.status] ? `, ${t[TAG.status]}` : ''})${sources.length > 1 ? ` named like the copies of ${amiId}` : ''}`,
            );
        }
      }),
    ),
  );
  if (clashes.length)
    throw new InputError(
      'name',
      `${sources.length > 1 ? 'a name the copies would take' : `"${sources[0].name}"`} is already the name of another image in ${clashes.sort().join('; ')}: AMI names are unique per account and region, so its copy there would fail. Nothing was shared or copied.`,
      'make the name unique per build, e.g. golden-ubuntu-22.04-{date}-{time}-{sha}, or retire the image that holds it.',
    );
  for (const o of out) o.plan.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
  return out;
}

/** This account's images (not deregistered) named exactly one of `names`. */
async function imagesNamed(ec2: EC2Client, names: string[]): Promise<Image[]> {
  const r = await ec2.send(
    new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: names }] }),
  );
  return (r.Images ?? []).filter((i) => names.includes(i.Name ?? '') && i.State !== 'deregistered');
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
