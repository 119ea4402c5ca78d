/**
 * EC2 access shared by the stages. Endpoints come from the SDK's standard environment variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2), which is also how tests reach the local sandbox.
 */
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { InputError } from '../errors.js';

const AMI_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export function validateAmiId(input: string, value: string): string {
  if (!AMI_ID.test(value)) {
    throw new InputError(
      input,
      `"${value}" is not an AMI id.`,
      'use the form ami-0123456789abcdef0 (bake outputs it as ami-id).',
    );
  }
  return value;
}

export function validateRegion(input: string, value: string): string {
  if (!REGION.test(value)) {
    throw new InputError(
      input,
      `"${value}" is not an AWS region name.`,
      'use a region code such as us-east-1 or eu-west-2.',
    );
  }
  return value;
}

/** The region from an input, else AWS_REGION / AWS_DEFAULT_REGION. */
export function resolveRegion(input: string, value: string, env: NodeJS.ProcessEnv): string {
  const r = value || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  if (!r) {
    throw new InputError(
      input,
      'no region given and AWS_REGION is not set.',
      `set ${input}, or run aws-actions/configure-aws-credentials first.`,
    );
  }
  return validateRegion(input, r);
}

export function ec2Client(region: string): EC2Client {
  return new EC2Client({ region, maxAttempts: 5 });
}

/** Tag an AMI (and check it exists first, so a wrong id is a clear error, not a partial change). */
export async function tagImage(
  client: EC2Client,
  amiId: string,
  tags: Record<string, string>,
): Promise<void> {
  let images: DescribeImagesCommandOutput;
  try {
    images = await client.send(new DescribeImagesCommand({ ImageIds: [amiId] }));
  } catch (e) {
    const name = (e as { name?: string }).name ?? '';
    if (/InvalidAMIID/.test(name)) {
      throw new InputError(
        'ami-id',
        `${amiId} does not exist in this account/region (${name}).`,
        'check ami-id and aws-region.',
      );
    }
    throw e;
  }
  if (!images.Images?.length) {
    throw new InputError(
      'ami-id',
      `${amiId} was not found in this account/region.`,
      'check ami-id and aws-region.',
    );
  }
  await client.send(
    new CreateTagsCommand({
      Resources: [amiId],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
}
