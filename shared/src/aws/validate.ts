/** Input validation for AWS values, without loading the AWS SDK (keeps action start-up fast). */
import { InputError } from '../errors.js';
import { AWS_REGIONS } from './regions.js';

export const AMI_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
/** The form of a region code, unanchored (for patterns that contain one, such as Packer's `region:ami` pairs). */
export const REGION_FORM = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const REGION = new RegExp(`^${REGION_FORM}$`);

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

/** A region name of the right form that AWS has (an unknown one, e.g. us-east-9, is a typo). */
export function validateRegion(input: string, value: string): string {
  if (!REGION.test(value)) {
    throw new InputError(
      input,
      `"${value}" is not an AWS region name.`,
      'use a region code such as us-east-1 or eu-west-2.',
    );
  }
  if (!AWS_REGIONS.has(value)) {
    const near = [...AWS_REGIONS]
      .filter((x) => x.startsWith(value.split('-').slice(0, 2).join('-')))
      .slice(0, 6);
    throw new InputError(
      input,
      `"${value}" is not an AWS region.`,
      `use region codes such as us-east-1${near.length ? ` (${near.join(', ')})` : ''}.`,
    );
  }
  return value;
}

/** The region from an input value, else AWS_REGION / AWS_DEFAULT_REGION; undefined when none (not validated). */
export function regionFromEnv(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return value || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** The region from an input, else AWS_REGION / AWS_DEFAULT_REGION; an error naming the input when none. */
export function resolveRegion(input: string, value: string, env: NodeJS.ProcessEnv): string {
  const r = regionFromEnv(value, env);
  if (!r) {
    throw new InputError(
      input,
      'no region given and AWS_REGION is not set.',
      `set ${input}, or run aws-actions/configure-aws-credentials first.`,
    );
  }
  return validateRegion(input, r);
}

/** Whether the environment names AWS credentials (keys, web identity, a profile, container credentials). */
export function hasAwsCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.AWS_ACCESS_KEY_ID ||
      env.AWS_WEB_IDENTITY_TOKEN_FILE ||
      env.AWS_PROFILE ||
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
  );
}
