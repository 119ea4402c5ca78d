/**
 * Publishing: once every destination holds an available copy, tag them golden, share, set
 * deprecation and the SSM parameter, retire old images of the family; with encrypt, close the
 * temporary share of the build AMI and record it as promoted. Idempotent.
 */
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DisableImageDeregistrationProtectionCommand,
  type EC2Client,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { imageTags, snapshotIdsOf, TAG, toAwsTags } from '../../shared/src/aws/tags.js';
import { messageOf } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { type Account, type Clients, shareSource } from './aws.js';
import type { DestResult } from './copy.js';
import { type GoldenImage, type PromoteConfig, retirementCandidates } from './plan.js';

/** One source's part in publishing: its copies, and the tags that make them golden. */
export interface PublishSet {
  cfg: PromoteConfig;
  /** its log lines (led by the architecture when the run has several sources) */
  io: Io;
  results: DestResult[];
  family: string;
  goldenTags: Record<string, string>;
}

/**
 * Every destination of every source published, in two rounds so that "golden" is true only where
 * it was done, and for all sources or none: first each copy's shares, deregistration protection and
 * deprecation; only when all of those succeeded, per account × region the golden tags (one
 * CreateTags for every copy there that needs the same tags: CopyImage gave them their provenance
 * already), then each copy's SSM parameter (marked on the result as done), then retention.
 * A failure is marked on its result with the step that failed.
 */
export async function publishAll(
  clients: Clients,
  accounts: Map<string, Account>,
  sets: PublishSet[],
): Promise<void> {
  const items = sets.flatMap((set) =>
    set.results.map((r) => ({ set, r, label: `${r.account}/${r.region}` })),
  );
  const fail = (x: (typeof items)[number], e: unknown) => {
    x.r.outcome = 'failed';
    x.r.error = messageOf(e).slice(0, 300);
    x.set.io.warning(`${x.label}: ${x.r.error}`);
  };
  const ec2Of = (r: DestResult) => clients.ec2(accounts.get(r.account)!, r.region);
  await Promise.all(
    items.map((x) =>
      x.r.outcome === 'failed'
        ? undefined
        : prepare(x.set.cfg, ec2Of(x.r), x.r.imageId!).catch((e) => fail(x, e)),
    ),
  );
  if (items.some((x) => x.r.outcome === 'failed')) return;
  const byKey = new Map<string, typeof items>();
  for (const x of items) byKey.set(x.label, [...(byKey.get(x.label) ?? []), x]);
  await Promise.all(
    [...byKey.values()].map(async (here) => {
      const { r } = here[0];
      try {
        await tagGolden(
          ec2Of(r),
          here.map((x) => ({ r: x.r, tags: x.set.goldenTags })),
        );
      } catch (e) {
        for (const x of here) fail(x, e);
        return;
      }
      await Promise.all(
        here.map(async (x) => {
          const { cfg, io, family } = x.set;
          try {
            await publishParameter(
              io,
              cfg,
              clients.ssm(accounts.get(x.r.account)!, x.r.region),
              x.label,
              x.r,
            );
            x.r.retired = cfg.retain
              ? await retire(io, ec2Of(x.r), x.label, family, cfg.retain, x.r.imageId!, cfg.architecture)
              : 0;
          } catch (e) {
            fail(x, e);
          }
        }),
      );
    }),
  );
}

/**
 * After an encrypted promote: the temporary share for copying ends (the build AMI stays private),
 * and the build AMI is tagged promoted (never golden) so retention retires old ones too.
 * Returns how many old build AMIs were retired.
 */
export async function closeBuildAmi(
  io: Io,
  cfg: PromoteConfig,
  srcEc2: EC2Client,
  label: string,
  copiers: string[],
  sourceSnapshots: string[],
  family: string,
): Promise<number> {
  // Every launch permission the build AMI has, whichever run granted it (a stage run shares it for
  // copying, the publish run may copy nothing): the unencrypted build AMI ends shared with nobody.
  const attr = await srcEc2.send(
    new DescribeImageAttributeCommand({ ImageId: cfg.amiId, Attribute: 'launchPermission' }),
  );
  const perms = attr.LaunchPermissions ?? [];
  const accounts = [...new Set([...copiers, ...perms.flatMap((p) => (p.UserId ? [p.UserId] : []))])].sort();
  if (accounts.length) {
    await shareSource(srcEc2, cfg.amiId, sourceSnapshots, accounts, 'remove');
  }
  const others = perms.filter((p) => !p.UserId);
  if (others.length)
    await srcEc2.send(
      new ModifyImageAttributeCommand({ ImageId: cfg.amiId, LaunchPermission: { Remove: others } }),
    );
  if (accounts.length || others.length)
    io.info(
      `Removed the share of ${cfg.amiId} with ${[...accounts, ...others.map((p) => p.Group ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? '?')].join(', ')}: the build AMI is not shared.`,
    );
  await srcEc2.send(
    new CreateTagsCommand({
      Resources: [cfg.amiId, ...sourceSnapshots],
      Tags: toAwsTags({ [TAG.status]: 'promoted', [TAG.family]: family }),
    }),
  );
  if (!cfg.retain) return 0;
  return retire(
    io,
    srcEc2,
    `${label} (build AMIs)`,
    family,
    cfg.retain,
    cfg.amiId,
    cfg.architecture,
    'promoted',
  );
}

/** Launch permissions, deregistration protection, deprecation: everything but "golden". Idempotent. */
async function prepare(cfg: PromoteConfig, ec2: EC2Client, imageId: string): Promise<void> {
  const img = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
  const snaps = snapshotIdsOf(img);
  const s = cfg.share;
  if (s.public || s.accounts.length || s.organizations.length || s.organizationalUnits.length) {
    await ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: imageId,
        LaunchPermission: {
          Add: [
            ...(s.public ? [{ Group: 'all' as const }] : []),
            ...s.accounts.map((UserId) => ({ UserId })),
            ...s.organizations.map((OrganizationArn) => ({ OrganizationArn })),
            ...s.organizationalUnits.map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
          ],
        },
      }),
    );
    if (s.accounts.length) {
      for (const snap of snaps)
        await ec2.send(
          new ModifySnapshotAttributeCommand({
            SnapshotId: snap,
            Attribute: 'createVolumePermission',
            OperationType: 'add',
            UserIds: s.accounts,
          }),
        );
    }
  }
  if (cfg.deregistrationProtection && !img?.DeregistrationProtection?.startsWith('enabled'))
    await ec2.send(new EnableImageDeregistrationProtectionCommand({ ImageId: imageId, WithCooldown: true }));
  if (cfg.deprecateAfterMs) {
    await ec2.send(
      new EnableImageDeprecationCommand({
        ImageId: imageId,
        DeprecateAt: new Date(Date.now() + cfg.deprecateAfterMs),
      }),
    );
  }
}

/**
 * The golden tags of every copy in one account × region (images and their snapshots). Tags a copy
 * already carries (CopyImage's TagSpecifications gave them; moto drops those) are not written again,
 * so copies needing the same tags (on EC2: status=golden alone) share one CreateTags.
 */
async function tagGolden(ec2: EC2Client, copies: Array<{ r: DestResult; tags: Record<string, string> }>) {
  const ids = copies.map((c) => c.r.imageId!);
  const images = new Map(
    ((await ec2.send(new DescribeImagesCommand({ ImageIds: ids }))).Images ?? []).map((i) => [i.ImageId!, i]),
  );
  const groups = new Map<string, { tags: Record<string, string>; resources: string[]; of: DestResult[] }>();
  for (const { r, tags } of copies) {
    const img = images.get(r.imageId!);
    const have = imageTags(img);
    const need = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
    const key = JSON.stringify(Object.entries(need).sort());
    const g = groups.get(key) ?? { tags: need, resources: [], of: [] };
    g.resources.push(r.imageId!, ...snapshotIdsOf(img));
    g.of.push(r);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    // CreateTags takes up to 1000 resources a call
    for (let i = 0; i < g.resources.length; i += 1000)
      if (Object.keys(g.tags).length)
        await ec2.send(
          new CreateTagsCommand({ Resources: g.resources.slice(i, i + 1000), Tags: toAwsTags(g.tags) }),
        );
    for (const r of g.of) r.golden = true;
  }
}

/** The copy's SSM parameter (marked on the result once done), and the log line that says what was done. */
async function publishParameter(
  io: Io,
  cfg: PromoteConfig,
  ssm: SSMClient,
  label: string,
  r: DestResult,
): Promise<void> {
  const imageId = r.imageId!;
  if (cfg.ssmParameter) {
    await ssm.send(
      new PutParameterCommand({
        Name: cfg.ssmParameter,
        Value: imageId,
        Type: 'String',
        DataType: 'aws:ec2:image',
        Overwrite: true,
      }),
    );
    r.ssmUpdated = true;
  }
  io.info(
    `${label}: ${imageId} tagged${cfg.ssmParameter ? `, ${cfg.ssmParameter} updated` : ''}${cfg.deprecateAfterMs ? ', deprecation set' : ''}${cfg.deregistrationProtection ? ', deregistration protection on' : ''}`,
  );
}

/**
 * Deregistration protection before retiring: lifted when on; with its cooldown, the image stays
 * protected for 24 hours more, so the reason to wait is returned (a later run retires it).
 */
async function liftProtection(ec2: EC2Client, imageId: string, state: string): Promise<string | undefined> {
  const until = /^disabled-until (.+)$/.exec(state)?.[1];
  if (until)
    return Date.parse(until) > Date.now() ? `its deregistration protection ends at ${until}` : undefined;
  if (!state.startsWith('enabled')) return undefined;
  const r = await ec2.send(new DisableImageDeregistrationProtectionCommand({ ImageId: imageId }));
  if (state === 'enabled-with-cooldown')
    return `deregistration protection lifted (${r.Return ?? 'disabled'}); its 24-hour cooldown runs, a later run retires it`;
  return undefined;
}

/** Keep the newest `retain` golden images of the family; never one in use by an instance or a launch template's default version. */
async function retire(
  io: Io,
  ec2: EC2Client,
  label: string,
  family: string,
  retain: number,
  current: string,
  /** retention is per architecture: an arm64 golden image never retires an x86_64 one */
  arch: string | undefined,
  status: 'golden' | 'promoted' = 'golden',
): Promise<number> {
  const imgs =
    (
      await ec2.send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [
            { Name: `tag:${TAG.status}`, Values: [status] },
            { Name: `tag:${TAG.family}`, Values: [family] },
            ...(arch ? [{ Name: 'architecture', Values: [arch] }] : []),
          ],
        }),
      )
    ).Images ?? [];
  const golden: GoldenImage[] = imgs
    .filter((i) => i.State === 'available')
    .map((i) => ({
      imageId: i.ImageId!,
      name: i.Name ?? '',
      creationDate: i.CreationDate ?? '',
      snapshotIds: snapshotIdsOf(i),
    }));
  const candidates = retirementCandidates(golden, retain, current);
  if (!candidates.length) return 0;
  const inUse = new Set<string>();
  const running = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'image-id', Values: candidates.map((c) => c.imageId) },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  for (const r of running.Reservations ?? [])
    for (const i of r.Instances ?? []) if (i.ImageId) inUse.add(i.ImageId);
  const lts = (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
  for (const lt of lts) {
    const v = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: lt.LaunchTemplateId,
        Versions: ['$Default'],
      }),
    );
    for (const ver of v.LaunchTemplateVersions ?? [])
      if (ver.LaunchTemplateData?.ImageId) inUse.add(ver.LaunchTemplateData.ImageId);
  }
  let n = 0;
  for (const c of candidates) {
    if (inUse.has(c.imageId)) {
      io.info(
        `${label}: keeping ${c.imageId} (${c.name}): in use by an instance or a launch template's default version`,
      );
      continue;
    }
    const protection = imgs.find((i) => i.ImageId === c.imageId)?.DeregistrationProtection ?? 'disabled';
    const wait = await liftProtection(ec2, c.imageId, protection);
    if (wait) {
      io.info(`${label}: not retiring ${c.imageId} (${c.name}) yet: ${wait}`);
      continue;
    }
    await ec2.send(new DeregisterImageCommand({ ImageId: c.imageId }));
    for (const s of c.snapshotIds) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: s }));
    io.info(`${label}: retired ${c.imageId} (${c.name}) and ${c.snapshotIds.length} snapshot(s)`);
    n++;
  }
  return n;
}
