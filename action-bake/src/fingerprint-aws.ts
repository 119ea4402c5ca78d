/**
 * The AWS side of the fingerprint: the source AMI resolved with the SDK (an id checked, an SSM
 * parameter read, a source_ami_filter's newest match), and the golden images of the template.
 */
import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { describeImage, describeOwnImages } from '../../shared/src/aws/ec2.js';
import { isAwsError, TAG } from '../../shared/src/aws/tags.js';
import { InputError, messageOf } from '../../shared/src/errors.js';
import type { SourceSpec } from './fingerprint.js';

const inputOf = (spec: SourceSpec) => (spec.from === 'input source-ami' ? 'source-ami' : 'template');

export async function resolveSourceAmi(ec2: EC2Client, ssm: SSMClient, spec: SourceSpec): Promise<string> {
  if (spec.kind === 'ssm') {
    try {
      const r = await ssm.send(new GetParameterCommand({ Name: spec.name }));
      const v = r.Parameter?.Value ?? '';
      if (!/^ami-[0-9a-f]{8,17}$/.test(v))
        throw new InputError(
          inputOf(spec),
          `SSM parameter ${spec.name} holds "${v.slice(0, 40)}", not an AMI id.`,
          'name a parameter whose value is an AMI id.',
        );
      // the image it names must exist too: Packer would otherwise start and fail on it
      if (!(await describeImage(ec2, v)))
        throw new InputError(
          inputOf(spec),
          `SSM parameter ${spec.name} names ${v}, which does not exist or is not visible to this account here.`,
          'update the parameter, or check aws-region.',
        );
      return v;
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (isAwsError(e, 'ParameterNotFound'))
        throw new InputError(
          inputOf(spec),
          `SSM parameter ${spec.name} does not exist in this region.`,
          'check the name (public ones start with /aws/service/) and aws-region.',
        );
      throw new Error(`Reading SSM parameter ${spec.name} failed: ${messageOf(e)}`);
    }
  }
  if (spec.kind === 'id') {
    if (await describeImage(ec2, spec.id)) return spec.id;
    throw new InputError(
      inputOf(spec),
      `source AMI ${spec.id} (${spec.from}) does not exist or is not visible to this account here.`,
      'check the AMI id and aws-region.',
    );
  }
  const r = await ec2.send(
    new DescribeImagesCommand({
      ...(spec.owners.length ? { Owners: spec.owners } : {}),
      Filters: Object.entries(spec.filters).map(([Name, v]) => ({ Name, Values: [v] })),
    }),
  );
  const newest = (r.Images ?? [])
    .filter((i) => i.State === undefined || i.State === 'available')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  if (!newest?.ImageId)
    throw new InputError(
      'template',
      `source_ami_filter matches no image (${JSON.stringify(spec.filters)}, owners ${spec.owners.join(', ') || 'any'}).`,
      'check the filter and aws-region.',
    );
  return newest.ImageId;
}

/** Available golden images of a template (tag ami-bakery:template), newest first. */
export async function goldenImagesOf(ec2: EC2Client, template: string): Promise<Image[]> {
  const golden = await describeOwnImages(ec2, { [TAG.status]: 'golden', [TAG.template]: template });
  return golden
    .filter((i) => i.State === 'available')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}
