/**
 * Roll out: each launch template named in `launch-templates` gets a new version whose ImageId is the
 * golden copy of its account and region (source version: the default), made the default version
 * when `launch-template-default` says so. Quarantine's rollback uses the same step with the image
 * it rolls back to. Idempotent: a template whose latest (or, with default, default) version already
 * launches that image gets no new version.
 */
import {
  CreateLaunchTemplateVersionCommand,
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
  error?: string;
}

const which = (ref: LaunchTemplateRef) =>
  ref.id ? { LaunchTemplateId: ref.id } : { LaunchTemplateName: ref.name };

/** Every launch template exists (read-only, before any change): a missing one is bad input. */
export async function checkLaunchTemplates(
  clients: Clients,
  accounts: Map<string, Account>,
  refs: readonly LaunchTemplateRef[],
): Promise<void> {
  for (const ref of refs) {
    try {
      await clients
        .ec2(accounts.get(ref.account)!, ref.region)
        .send(new DescribeLaunchTemplateVersionsCommand({ ...which(ref), Versions: ['$Default'] }));
    } catch (e) {
      if (isAwsError(e, /^InvalidLaunchTemplate(Id|Name)\.NotFound/))
        throw new InputError(
          'launch-templates',
          `${ref.raw}: no such launch template in ${ref.account}/${ref.region}.`,
          'check the id or name, the account and the region.',
        );
      throw e;
    }
  }
}

async function rollOut(
  ec2: EC2Client,
  ref: LaunchTemplateRef,
  imageId: string,
  setDefault: boolean,
  description: string,
): Promise<{ version: number; created: boolean; isDefault: boolean }> {
  const v = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ ...which(ref), Versions: ['$Latest', '$Default'] }),
  );
  const versions = v.LaunchTemplateVersions ?? [];
  const def = versions.find((x) => x.DefaultVersion);
  const latest = [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
  const reuse = setDefault
    ? def?.LaunchTemplateData?.ImageId === imageId
      ? def
      : latest?.LaunchTemplateData?.ImageId === imageId
        ? latest
        : undefined
    : latest?.LaunchTemplateData?.ImageId === imageId
      ? latest
      : undefined;
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
  return { version, created, isDefault };
}

/** Each launch template to the image of its account and region (`images`: "account/region" → AMI id). */
export async function rollOutAll(
  io: Io,
  cfg: { launchTemplates: LaunchTemplateRef[]; launchTemplateDefault: boolean },
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
      const r = await rollOut(
        clients.ec2(accounts.get(ref.account)!, ref.region),
        ref,
        imageId,
        cfg.launchTemplateDefault,
        description,
      );
      out.push({ ...base, ...r });
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
