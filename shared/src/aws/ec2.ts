/**
 * The AWS clients every stage uses, made in one place. Endpoints come from the SDK's standard
 * environment variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ..._STS, ..._SSM), which is also how
 * tests reach the local sandbox.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DescribeImagesCommand, EC2Client, type Image } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { InputError } from '../errors.js';
import { isAwsError, toAwsTags } from './tags.js';

export interface ClientOptions {
  /** Credentials of an assumed role (another account); the default chain when omitted. */
  credentials?: AwsCredentialIdentity;
  /**
   * `standard`: a few retries (one-off calls). `fanout`: adaptive retry (client-side rate limiting)
   * with room for long throttling storms, for promote's many parallel copies.
   */
  retry?: 'standard' | 'fanout';
}

function config(region: string, opts: ClientOptions = {}) {
  const retry = opts.retry === 'fanout' ? { retryMode: 'adaptive', maxAttempts: 20 } : { maxAttempts: 5 };
  return { region, ...(opts.credentials ? { credentials: opts.credentials } : {}), ...retry };
}

export function ec2Client(region: string, opts?: ClientOptions): EC2Client {
  return new EC2Client(config(region, opts));
}

export function ssmClient(region: string, opts?: ClientOptions): SSMClient {
  return new SSMClient(config(region, opts));
}

export function autoScalingClient(region: string, opts?: ClientOptions): AutoScalingClient {
  return new AutoScalingClient(config(region, opts));
}

export function stsClient(region: string, opts?: ClientOptions): STSClient {
  return new STSClient(config(region, opts));
}

/**
 * Tag images (and their snapshots, when given among `ids`). With `mustExist` (the input that named
 * the image), the first id is checked first, so a wrong id is a clear error naming that input, not a partial change.
 */
export async function tagImages(
  client: EC2Client,
  ids: string[],
  tags: Record<string, string>,
  opts: { mustExist?: string } = {},
): Promise<void> {
  if (!ids.length) return;
  const input = opts.mustExist;
  if (input) {
    const hint = `check ${input} and aws-region.`;
    let found: boolean;
    try {
      found = Boolean((await client.send(new DescribeImagesCommand({ ImageIds: [ids[0]] }))).Images?.length);
    } catch (e) {
      if (!isAwsError(e, /InvalidAMIID/)) throw e;
      throw new InputError(
        input,
        `${ids[0]} does not exist in this account/region (${(e as Error).name}).`,
        hint,
      );
    }
    if (!found) throw new InputError(input, `${ids[0]} was not found in this account/region.`, hint);
  }
  await client.send(new CreateTagsCommand({ Resources: ids, Tags: toAwsTags(tags) }));
}

/** One image by id; undefined when EC2 does not know it (InvalidAMIID). */
export async function describeImage(ec2: EC2Client, imageId: string): Promise<Image | undefined> {
  try {
    return (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
  } catch (e) {
    if (!isAwsError(e, /InvalidAMIID/)) throw e;
    return undefined;
  }
}

/** This account's images (`Owners: self`, not deregistered) with the given tags. */
export async function describeOwnImages(
  ec2: EC2Client,
  /** tag → value, or values (any of them) */
  filters: Record<string, string | string[]>,
): Promise<Image[]> {
  const r = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: Object.entries(filters).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v].flat() })),
    }),
  );
  return (r.Images ?? []).filter((i) => i.State !== 'deregistered');
}
