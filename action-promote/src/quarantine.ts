/**
 * mode: quarantine — a golden image whose re-scan failed is taken out of use in every account and
 * region promote copied it to: each copy (found by its ami-bakery:source-ami tag, like discard) is
 * deprecated now, loses the launch permissions it granted, and is tagged quarantined; the SSM
 * parameter that names it is pointed back at the newest golden image of the family that passed its
 * last scan (none: it is left, and the step says so loudly). Idempotent: a re-run finds everything
 * done and changes nothing.
 */
import {
  CreateTagsCommand,
  DescribeImageAttributeCommand,
  type EC2Client,
  EnableImageDeprecationCommand,
  type Image,
  ModifyImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { describeImage, describeOwnImages } from '../../shared/src/aws/ec2.js';
import { imageTags, isAwsError, TAG, toAwsTags } from '../../shared/src/aws/tags.js';
import type { Io } from '../../shared/src/io.js';
import type { Account, Clients } from './aws.js';
import { archParameter, type PromoteConfig, rollbackTarget } from './plan.js';

export interface QuarantineResult {
  account: string;
  region: string;
  /** copies quarantined by this run */
  quarantined: string[];
  /** copies an earlier run quarantined */
  already: string[];
  /** launch permissions removed (accounts, organisations, public) */
  unshared: string[];
  /** the newest golden image of the family that passed its scan here (SSM and launch templates go back to it) */
  rollbackTo?: string;
  ssm?: {
    name: string;
    action: 'rolled-back' | 'left' | 'unchanged' | 'absent';
    from?: string;
    to?: string;
    note: string;
  };
}

/** The quarantined copies of `amiId` in one account and region (the source itself where it lives). */
async function lineage(ec2: EC2Client, amiId: string, withSource: boolean): Promise<Image[]> {
  const out = (await describeOwnImages(ec2, { [TAG.sourceAmi]: amiId })).filter((i) => i.ImageId !== amiId);
  const source = withSource ? await describeImage(ec2, amiId) : undefined;
  return source ? [...out, source] : out;
}

/**
 * Take one image out of use: deprecated now, no launch permissions, tagged quarantined. With
 * `dryRun`, only what would be done: nothing is changed.
 */
async function quarantineImage(
  ec2: EC2Client,
  img: Image,
  reason: string,
  dryRun: boolean,
): Promise<{ done: boolean; unshared: string[] }> {
  const id = img.ImageId!;
  const attr = await ec2.send(
    new DescribeImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission' }),
  );
  const perms = attr.LaunchPermissions ?? [];
  const tags = imageTags(img);
  const deprecated = img.DeprecationTime && Date.parse(img.DeprecationTime) <= Date.now() + 5 * 60_000;
  if (tags[TAG.status] === 'quarantined' && deprecated && !perms.length) return { done: false, unshared: [] };
  const unshared = perms.map(
    (p) => p.UserId ?? p.Group ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? '?',
  );
  if (dryRun) return { done: true, unshared };
  if (perms.length)
    await ec2.send(new ModifyImageAttributeCommand({ ImageId: id, LaunchPermission: { Remove: perms } }));
  if (!deprecated)
    await ec2.send(
      // EC2 takes the minute; a time a little ahead is never "in the past" by the time it arrives
      new EnableImageDeprecationCommand({ ImageId: id, DeprecateAt: new Date(Date.now() + 60_000) }),
    );
  await ec2.send(
    new CreateTagsCommand({
      Resources: [id],
      Tags: toAwsTags({
        [TAG.status]: 'quarantined',
        [TAG.vulnerable]: 'true',
        [TAG.vulnerableSince]: tags[TAG.vulnerableSince] ?? new Date().toISOString().slice(0, 10),
        [TAG.vulnerableReason]: (tags[TAG.vulnerableReason] ?? reason).slice(0, 255),
      }),
    }),
  );
  return { done: true, unshared };
}

/** The family's golden images in one account and region. */
async function familyGolden(
  ec2: EC2Client,
  family: string | undefined,
  arch: string | undefined,
): Promise<Image[]> {
  if (!family) return [];
  // roll back within the architecture: an arm64 parameter never points at an x86_64 image
  const golden = await describeOwnImages(ec2, { [TAG.status]: 'golden', [TAG.family]: family });
  return golden.filter((i) => !arch || i.Architecture === arch);
}

/** The SSM parameter: pointed back from a quarantined image to the newest passing golden one. */
async function rollBackParameter(
  io: Io,
  label: string,
  ssm: SSMClient,
  name: string,
  quarantined: ReadonlySet<string>,
  family: string | undefined,
  target: Image | undefined,
  dryRun: boolean,
): Promise<NonNullable<QuarantineResult['ssm']>> {
  let current: string | undefined;
  try {
    current = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (e) {
    if (!isAwsError(e, 'ParameterNotFound')) throw e;
    return { name, action: 'absent', note: `${name} does not exist here` };
  }
  if (!current || !quarantined.has(current))
    return {
      name,
      action: 'unchanged',
      from: current,
      note: `${name} names ${current}, not a quarantined image`,
    };
  if (!target) {
    io.warning(
      `${label}: ${name} still names the quarantined image ${current}: no golden image of family ${family ?? '(none)'} passed its last scan here to roll back to. Launches from it use a vulnerable image until a new golden image is published.`,
    );
    return {
      name,
      action: 'left',
      from: current,
      note: `left at ${current}: no passing golden image to roll back to`,
    };
  }
  if (dryRun)
    return {
      name,
      action: 'rolled-back',
      from: current,
      to: target.ImageId,
      note: `dry-run: would roll back from ${current} to ${target.ImageId} (${target.Name ?? ''})`,
    };
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: target.ImageId!,
      Type: 'String',
      DataType: 'aws:ec2:image',
      Overwrite: true,
    }),
  );
  return {
    name,
    action: 'rolled-back',
    from: current,
    to: target.ImageId,
    note: `rolled back from ${current} to ${target.ImageId} (${target.Name ?? ''})`,
  };
}

/**
 * Every copy of `buildAmi` (the image bake made; the copies name it in ami-bakery:source-ami) in every
 * account and region, and the build AMI itself in `buildRegion`.
 */
export async function quarantineCopies(
  io: Io,
  cfg: Pick<PromoteConfig, 'regions' | 'ssmParameter' | 'dryRun'>,
  clients: Clients,
  accounts: Map<string, Account>,
  accountIds: string[],
  build: { amiId: string; region: string; account: string },
): Promise<QuarantineResult[]> {
  const reason = `quarantined by ami-bakery promote on ${new Date().toISOString().slice(0, 10)}: a re-scan failed its gate`;
  const results = await Promise.all(
    accountIds.flatMap((a) =>
      cfg.regions.map(async (region): Promise<QuarantineResult> => {
        const label = `${a}/${region}`;
        const ec2 = clients.ec2(accounts.get(a)!, region);
        const images = await lineage(ec2, build.amiId, a === build.account && region === build.region);
        const out: QuarantineResult = { account: a, region, quarantined: [], already: [], unshared: [] };
        for (const img of images) {
          const r = await quarantineImage(ec2, img, reason, cfg.dryRun);
          (r.done ? out.quarantined : out.already).push(img.ImageId!);
          out.unshared.push(...r.unshared);
          const verb = cfg.dryRun ? 'would be quarantined' : 'quarantined';
          io.info(
            `${label}: ${img.ImageId} ${r.done ? `${verb} (deprecated now${r.unshared.length ? `, launch permissions removed: ${r.unshared.join(', ')}` : ''})` : 'already quarantined'}`,
          );
        }
        const family = images.map((i) => imageTags(i)[TAG.family]).find(Boolean);
        const ids = new Set(images.map((i) => i.ImageId!));
        const arch = images.map((i) => i.Architecture).find(Boolean);
        const target = rollbackTarget(await familyGolden(ec2, family, arch), ids);
        if (target?.ImageId) out.rollbackTo = target.ImageId;
        if (cfg.ssmParameter) {
          out.ssm = await rollBackParameter(
            io,
            label,
            clients.ssm(accounts.get(a)!, region),
            archParameter(cfg.ssmParameter, arch),
            ids,
            family,
            target,
            cfg.dryRun,
          );
          io.info(`${label}: ${out.ssm.note}`);
        }
        return out;
      }),
    ),
  );
  return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}
