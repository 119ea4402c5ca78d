/**
 * EC2 access shared by the stages. Endpoints come from the SDK's standard environment variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2), which is also how tests reach the local sandbox.
 */
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { InputError } from '../errors.js';

export { resolveRegion, validateAmiId, validateRegion } from './validate.js';

/** An image's tags as a plain object. */
export function imageTags(img: Image | undefined): Record<string, string> {
  return Object.fromEntries((img?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
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

/**
 * Wait until every instance is running with system and instance status checks `ok`, logging
 * progress, bounded by `deadline` (ms since epoch). Throws naming the instances that are not ready.
 */
export async function waitForInstances(
  client: EC2Client,
  ids: string[],
  deadline: number,
  io: { info(m: string): void },
  signal?: AbortSignal,
): Promise<void> {
  const { DescribeInstanceStatusCommand } = await import('@aws-sdk/client-ec2');
  let delay = 1000;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new Error('cancelled while waiting for the instances');
    const r = await client.send(
      new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }),
    );
    const byId = new Map((r.InstanceStatuses ?? []).map((s) => [s.InstanceId ?? '', s]));
    const states = ids.map((id) => {
      const s = byId.get(id);
      const state = s?.InstanceState?.Name ?? 'unknown';
      return {
        id,
        state,
        system: s?.SystemStatus?.Status ?? 'unknown',
        instance: s?.InstanceStatus?.Status ?? 'unknown',
      };
    });
    const line = states
      .map((s) => `${s.id}: ${s.state}, system ${s.system}, instance ${s.instance}`)
      .join('; ');
    if (line !== last) io.info(line);
    last = line;
    const dead = states.find((s) => ['terminated', 'shutting-down', 'stopped', 'stopping'].includes(s.state));
    if (dead) throw new Error(`instance ${dead.id} is ${dead.state}: it will not pass its status checks`);
    if (states.every((s) => s.state === 'running' && s.system === 'ok' && s.instance === 'ok')) return;
    if (Date.now() + delay > deadline) throw new Error(`instances not ready before the timeout: ${line}`);
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(delay * 2, 15_000);
  }
}
