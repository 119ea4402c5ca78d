/**
 * action-promote's AWS work (loaded after the inputs are validated), as steps that return typed
 * results: the accounts, the source and its gate, the destination plan, the copy fan-out, publishing.
 * promote.ts turns the PromoteResult into outputs and the summary.
 */
import { randomUUID } from 'node:crypto';
import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { imageTags, isAwsError, snapshotIdsOf, TAG } from '../../shared/src/aws/tags.js';
import { GateError, InputError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { type Account, assumeRoles, Clients, callerAccounts, shareSource } from './aws.js';
import { copyAll, type DestResult } from './copy.js';
import {
  classifyCopies,
  type Destination,
  destinationTags,
  evaluateGate,
  kmsKeyFor,
  nameFamily,
  type PromoteConfig,
  renderName,
} from './plan.js';
import { closeBuildAmi, publishAll } from './publish.js';

export type { DestResult } from './copy.js';

/** What a promote run did: the plan, and (unless dry-run) each destination's result. */
export interface PromoteResult {
  name: string;
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
  // The source: it must exist; its tags decide the gate. Nothing has changed yet.
  const srcEc2 = clients.ec2(sourceAccount, cfg.sourceRegion);
  const source = await loadSource(io, cfg, srcEc2, sourceAccount.id);
  const sourceTags = imageTags(source);
  const { name, family } = nameCopies(io, cfg, source, sourceTags, accountIds.includes(sourceAccount.id));
  const accounts = others.length
    ? await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate!)
    : new Map([[sourceAccount.id, sourceAccount]]);

  const { plan, broken } = await planDestinations(cfg, clients, accounts, accountIds, sourceAccount.id);
  logPlan(io, cfg.amiId, name, plan, broken);
  io.setOutput('plan', JSON.stringify(plan));
  if (cfg.dryRun) {
    io.info('dry-run: nothing was changed.');
    return { name, plan, dryRun: true, results: [], buildRetired: 0 };
  }

  // From here on AWS changes: whatever goes wrong, say what is done and that a re-run resumes.
  const deadline = Date.now() + cfg.deadlineMs;
  const stop = AbortSignal.any([
    ...(signal ? [signal] : []),
    AbortSignal.timeout(Math.max(1, cfg.deadlineMs)),
  ]);
  const copiers = [
    ...new Set(
      plan.filter((d) => d.state === 'copy' && d.account !== sourceAccount.id).map((d) => d.account),
    ),
  ];
  const sourceSnapshots = snapshotIdsOf(source);
  await shareForCopying(io, srcEc2, cfg.amiId, source, sourceSnapshots, copiers);

  const baseTags = destinationTags(sourceTags, cfg, family);
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
      deadline,
      deadlineMs: cfg.deadlineMs,
      runNonce: randomUUID(),
    },
    stop,
    signal,
  );

  let buildRetired = 0;
  if (!results.some((r) => r.outcome === 'failed')) {
    // Every destination is available: now, and only now, the copies become golden.
    await publishAll(io, cfg, clients, accounts, results, family, { ...baseTags, [TAG.status]: 'golden' });
    if (cfg.encrypt && !results.some((r) => r.outcome === 'failed')) {
      const label = `${sourceAccount.id}/${cfg.sourceRegion}`;
      const n = await closeBuildAmi(io, cfg, srcEc2, label, copiers, sourceSnapshots, family);
      const here = results.find((r) => r.account === sourceAccount.id && r.region === cfg.sourceRegion);
      if (here) here.retired += n;
      else buildRetired = n;
    }
  }
  return { name, plan, dryRun: false, results, buildRetired };
}

/** The source image, available and not a candidate copy, with its provenance gate passed. */
async function loadSource(io: Io, cfg: PromoteConfig, srcEc2: EC2Client, account: string): Promise<Image> {
  let source: Image | undefined;
  try {
    source = (await srcEc2.send(new DescribeImagesCommand({ ImageIds: [cfg.amiId] }))).Images?.[0];
  } catch (e) {
    if (!isAwsError(e, /InvalidAMIID/)) throw e;
  }
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
  if (cfg.require.length) {
    const problems = evaluateGate(cfg.require, sourceTags);
    if (problems.length) {
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
): Promise<{ plan: Destination[]; broken: Map<string, Image[]> }> {
  const plan: Destination[] = [];
  const broken = new Map<string, Image[]>();
  await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region) => {
        const kmsKeyId = cfg.encrypt ? kmsKeyFor(cfg.kmsKeys, a, region) : undefined;
        if (!cfg.encrypt && a === sourceAccountId && region === cfg.sourceRegion) {
          plan.push({ account: a, region, state: 'source', imageId: cfg.amiId });
          return;
        }
        const found =
          (
            await clients.ec2(accounts.get(a)!, region).send(
              new DescribeImagesCommand({
                Owners: ['self'],
                Filters: [{ Name: `tag:${TAG.sourceAmi}`, Values: [cfg.amiId] }],
              }),
            )
          ).Images ?? [];
        const { usable, broken: bad } = classifyCopies(found, cfg.amiId);
        if (bad.length) broken.set(`${a}/${region}`, bad);
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
  plan.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
  return { plan, broken };
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
