/**
 * Roll out: each launch template named in `launch-templates` gets a new version whose ImageId is the
 * golden copy of its account and region (source version: the default), made the default version
 * when `launch-template-default` says so. Quarantine's rollback uses the same step with the image
 * it rolls back to. Idempotent: a template whose latest (or, with default, default) version already
 * launches that image gets no new version.
 */
import {
  type AutoScalingClient,
  paginateDescribeAutoScalingGroups,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  type _InstanceType,
  type ArchitectureType,
  CreateLaunchTemplateVersionCommand,
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { isAwsError } from '../../shared/src/aws/tags.js';
import { InputError, messageOf } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import type { Account, Clients } from './aws.js';
import type { LaunchTemplateRef } from './plan.js';

export interface RolloutResult {
  account: string;
  region: string;
  launchTemplate: string;
  imageId: string;
  version?: number;
  /** false: an earlier run's version already launches the image */
  created: boolean;
  isDefault: boolean;
  /** instance-refresh: the Auto Scaling groups using the template, and their refresh */
  refreshes?: Array<{ group: string; id?: string; note: string }>;
  error?: string;
}

const which = (ref: LaunchTemplateRef) =>
  ref.id ? { LaunchTemplateId: ref.id } : { LaunchTemplateName: ref.name };

/** Every launch template exists (read-only, before any change): a missing one is bad input. */
export async function checkLaunchTemplates(
  clients: Clients,
  accounts: Map<string, Account>,
  refs: readonly LaunchTemplateRef[],
  arch?: string,
): Promise<void> {
  const wrongArch: string[] = [];
  for (const ref of refs) {
    const ec2 = clients.ec2(accounts.get(ref.account)!, ref.region);
    let instanceType: string | undefined;
    try {
      const v = await ec2.send(
        new DescribeLaunchTemplateVersionsCommand({ ...which(ref), Versions: ['$Default'] }),
      );
      instanceType = v.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType;
    } catch (e) {
      if (isAwsError(e, /^InvalidLaunchTemplate(Id|Name)\.NotFound/))
        throw new InputError(
          'launch-templates',
          `${ref.raw}: no such launch template in ${ref.account}/${ref.region}.`,
          'check the id or name, the account and the region.',
        );
      throw e;
    }
    // an image of another architecture would make every launch from the template fail
    if (arch && instanceType) {
      const t = await ec2.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }),
      );
      const supported = t.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
      if (!supported.includes(arch as ArchitectureType))
        wrongArch.push(
          `${ref.raw} launches ${instanceType} (${supported.join(', ') || 'architecture unknown'})`,
        );
    }
  }
  if (wrongArch.length)
    throw new InputError(
      'launch-templates',
      `the image is ${arch}, and ${wrongArch.join('; ')}: its instances could not start from it.`,
      'list the launch templates of this architecture (one promote run per architecture).',
    );
}

async function rollOut(
  ec2: EC2Client,
  ref: LaunchTemplateRef,
  imageId: string,
  setDefault: boolean,
  description: string,
): Promise<{ version: number; created: boolean; isDefault: boolean; ltId?: string }> {
  const v = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ ...which(ref), Versions: ['$Latest', '$Default'] }),
  );
  const versions = v.LaunchTemplateVersions ?? [];
  const def = versions.find((x) => x.DefaultVersion);
  const latest = [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
  // a version that already launches the image: the default one first when it is to be the default
  const launching = (v: typeof def) => (v?.LaunchTemplateData?.ImageId === imageId ? v : undefined);
  const reuse = (setDefault ? launching(def) : undefined) ?? launching(latest);
  let version = reuse?.VersionNumber;
  let created = false;
  if (!version) {
    const r = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        ...which(ref),
        SourceVersion: '$Default',
        VersionDescription: description.slice(0, 255),
        LaunchTemplateData: { ImageId: imageId },
      }),
    );
    version = r.LaunchTemplateVersion?.VersionNumber ?? 0;
    created = true;
  }
  let isDefault = def?.VersionNumber === version;
  if (setDefault && !isDefault) {
    await ec2.send(new ModifyLaunchTemplateCommand({ ...which(ref), DefaultVersion: String(version) }));
    isDefault = true;
  }
  return { version, created, isDefault, ltId: (def ?? latest)?.LaunchTemplateId };
}

/**
 * Instance refresh of every Auto Scaling group that launches from the template: a group that follows
 * $Default or $Latest is refreshed as it is; one pinned to a version number is refreshed to the new
 * version (its desired configuration). A refresh already running is left to finish.
 */
async function refreshGroups(
  asg: AutoScalingClient,
  ltId: string,
  version: number,
  minHealthy: number,
): Promise<Array<{ group: string; id?: string; note: string }>> {
  const out: Array<{ group: string; id?: string; note: string }> = [];
  for await (const page of paginateDescribeAutoScalingGroups({ client: asg }, {})) {
    for (const g of page.AutoScalingGroups ?? []) {
      const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      if (!spec || spec.LaunchTemplateId !== ltId) continue;
      const pinned = spec.Version && /^\d+$/.test(spec.Version);
      try {
        const r = await asg.send(
          new StartInstanceRefreshCommand({
            AutoScalingGroupName: g.AutoScalingGroupName,
            Preferences: { MinHealthyPercentage: minHealthy },
            ...(pinned
              ? {
                  DesiredConfiguration: {
                    LaunchTemplate: { LaunchTemplateId: ltId, Version: String(version) },
                  },
                }
              : {}),
          }),
        );
        out.push({
          group: g.AutoScalingGroupName!,
          id: r.InstanceRefreshId,
          note: `refresh ${r.InstanceRefreshId} started`,
        });
      } catch (e) {
        if (!isAwsError(e, /^InstanceRefreshInProgress/)) throw e;
        out.push({ group: g.AutoScalingGroupName!, note: 'a refresh is already in progress' });
      }
    }
  }
  return out;
}

/** Each launch template to the image of its account and region (`images`: "account/region" → AMI id). */
export async function rollOutAll(
  io: Io,
  cfg: {
    launchTemplates: LaunchTemplateRef[];
    launchTemplateDefault: boolean;
    instanceRefresh: boolean;
    minHealthyPercentage: number;
  },
  clients: Clients,
  accounts: Map<string, Account>,
  images: ReadonlyMap<string, string>,
  description: string,
): Promise<RolloutResult[]> {
  const out: RolloutResult[] = [];
  for (const ref of cfg.launchTemplates) {
    const label = `${ref.account}/${ref.region}`;
    const imageId = images.get(label);
    const base = {
      account: ref.account,
      region: ref.region,
      launchTemplate: ref.id ?? ref.name ?? ref.raw,
      imageId: imageId ?? '',
    };
    if (!imageId) {
      io.warning(`${label}: ${ref.raw} not updated: there is no image to roll out there.`);
      out.push({ ...base, created: false, isDefault: false, error: 'no image in this account and region' });
      continue;
    }
    try {
      const { ltId, ...r } = await rollOut(
        clients.ec2(accounts.get(ref.account)!, ref.region),
        ref,
        imageId,
        cfg.launchTemplateDefault,
        description,
      );
      const refreshes =
        cfg.instanceRefresh && ltId
          ? await refreshGroups(
              clients.autoScaling(accounts.get(ref.account)!, ref.region),
              ltId,
              r.version,
              cfg.minHealthyPercentage,
            )
          : undefined;
      out.push({ ...base, ...r, ...(refreshes ? { refreshes } : {}) });
      for (const f of refreshes ?? []) io.info(`${label}: Auto Scaling group ${f.group}: ${f.note}`);
      if (refreshes && !refreshes.length)
        io.info(`${label}: no Auto Scaling group launches from ${base.launchTemplate}`);
      io.info(
        `${label}: launch template ${base.launchTemplate} version ${r.version} ${r.created ? 'created' : 'already'} launches ${imageId}${r.isDefault ? ' (default)' : ''}`,
      );
    } catch (e) {
      out.push({ ...base, created: false, isDefault: false, error: messageOf(e) });
      io.warning(`${label}: launch template ${base.launchTemplate} not updated: ${messageOf(e)}`);
    }
  }
  return out;
}
