/**
 * Promote's AWS building blocks: one client per account and region, the accounts it acts in
 * (the caller's, and the others through AssumeRole), and the image operations the steps share.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  type EC2Client,
  type Image,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  GetCallerIdentityCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { autoScalingClient, ec2Client, ssmClient, stsClient } from '../../shared/src/aws/ec2.js';
import { awsErrorName, isAwsError, snapshotIdsOf } from '../../shared/src/aws/tags.js';
import { InputError, messageOf } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';

export interface Account {
  id: string;
  credentials?: AwsCredentialIdentity;
}

/** One SDK client per account and region, created on first use (adaptive retry: many parallel calls). */
export class Clients {
  private ec2s = new Map<string, EC2Client>();
  private ssms = new Map<string, SSMClient>();
  private stss = new Map<string, STSClient>();
  private asgs = new Map<string, AutoScalingClient>();
  private static get<C>(cache: Map<string, C>, a: Account, region: string, make: () => C): C {
    const k = `${a.id}/${region}`;
    let c = cache.get(k);
    if (!c) {
      c = make();
      cache.set(k, c);
    }
    return c;
  }
  ec2(a: Account, region: string): EC2Client {
    return Clients.get(this.ec2s, a, region, () =>
      ec2Client(region, { credentials: a.credentials, retry: 'fanout' }),
    );
  }
  ssm(a: Account, region: string): SSMClient {
    return Clients.get(this.ssms, a, region, () =>
      ssmClient(region, { credentials: a.credentials, retry: 'fanout' }),
    );
  }
  autoScaling(a: Account, region: string): AutoScalingClient {
    return Clients.get(this.asgs, a, region, () =>
      autoScalingClient(region, { credentials: a.credentials, retry: 'fanout' }),
    );
  }
  /** STS with the default credentials (the caller's account). */
  sts(region: string): STSClient {
    return Clients.get(this.stss, { id: 'caller' }, region, () => stsClient(region, { retry: 'fanout' }));
  }
  destroy(): void {
    for (const c of [
      ...this.ec2s.values(),
      ...this.ssms.values(),
      ...this.stss.values(),
      ...this.asgs.values(),
    ])
      c.destroy();
  }
}

/** The accounts promote acts in: the caller's (default credentials) and every other one's role. */
export interface Accounts {
  source: Account;
  /** every destination account id, the caller's first when it is one */
  ids: string[];
  byId: Map<string, Account>;
}

/** The caller's account, and the destination account ids (the caller's when `accounts` is empty). */
export async function callerAccounts(
  sts: STSClient,
  cfg: { accounts: string[]; roleArnTemplate?: string },
): Promise<{ source: Account; ids: string[]; others: string[] }> {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  const source: Account = { id: me.Account ?? '' };
  const ids = cfg.accounts.length ? cfg.accounts : [source.id];
  const others = ids.filter((a) => a !== source.id);
  if (others.length && !cfg.roleArnTemplate) {
    throw new InputError(
      'role-name',
      `is needed to reach accounts ${others.join(', ')} (the credentials are for ${source.id}).`,
      'set role-name (e.g. ami-promoter) or role-arn-template.',
    );
  }
  return { source, ids, others };
}

/**
 * Every account promote acts in: the caller's, and each other one through AssumeRole (the keys are
 * masked). `roleArnTemplate` is needed only when there are others (callerAccounts checks it).
 */
export async function assumeRoles(
  io: Io,
  sts: STSClient,
  source: Account,
  others: string[],
  roleArnTemplate: string | undefined,
): Promise<Map<string, Account>> {
  const accounts = new Map<string, Account>([[source.id, source]]);
  if (!others.length) return accounts;
  if (!roleArnTemplate) throw new Error('assumeRoles: other accounts need a role ARN template');
  const session = `ami-bakery-promote-${io.env.GITHUB_RUN_ID ?? process.pid}`.slice(0, 64);
  for (const a of others) {
    const arn = roleArnTemplate.replace('{account}', a);
    let r: AssumeRoleCommandOutput;
    try {
      r = await sts.send(
        new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: session, DurationSeconds: 3600 }),
      );
    } catch (e) {
      throw new InputError(
        'role-name',
        `cannot assume ${arn}: ${awsErrorName(e)} ${messageOf(e)}.`,
        `let ${source.id} assume that role (trust policy), see docs/iam.md.`,
      );
    }
    const c = r.Credentials!;
    for (const s of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) if (s) io.setSecret(s);
    accounts.set(a, {
      id: a,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      },
    });
  }
  return accounts;
}

/** Deregister an image and delete its snapshots (a failed copy, so the next run copies again). */
export async function removeImage(ec2: EC2Client, img: Image): Promise<void> {
  await ec2.send(new DeregisterImageCommand({ ImageId: img.ImageId }));
  for (const s of snapshotIdsOf(img)) {
    try {
      await ec2.send(new DeleteSnapshotCommand({ SnapshotId: s }));
    } catch (e) {
      if (!isAwsError(e, /InvalidSnapshot\.NotFound/)) throw e;
    }
  }
}

/** Add or remove launch permission and snapshot create-volume permission on the source, for copying. */
export async function shareSource(
  ec2: EC2Client,
  amiId: string,
  snapshots: string[],
  accounts: string[],
  op: 'add' | 'remove',
): Promise<void> {
  const perms = accounts.map((UserId) => ({ UserId }));
  await ec2.send(
    new ModifyImageAttributeCommand({
      ImageId: amiId,
      LaunchPermission: op === 'add' ? { Add: perms } : { Remove: perms },
    }),
  );
  for (const s of snapshots) {
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: s,
        Attribute: 'createVolumePermission',
        OperationType: op,
        UserIds: accounts,
      }),
    );
  }
}
