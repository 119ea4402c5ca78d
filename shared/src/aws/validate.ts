/** Input validation for AWS values, without loading the AWS SDK (keeps action start-up fast). */
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
