/** EC2 side of the in-use re-scan: which AMIs running instances use, described with their tags. */
import {
  DescribeImagesCommand,
  type EC2Client,
  type Image,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { describeOwnImages } from '../../shared/src/aws/ec2.js';
import { imageTags, isAwsError, TAG } from '../../shared/src/aws/tags.js';
import type { InUseImage, RunningInstance } from './in-use.js';

export async function findImagesInUse(client: EC2Client, region: string): Promise<InUseImage[]> {
  const counts = new Map<string, number>();
  const running = new Map<string, RunningInstance[]>();
  for await (const page of paginateDescribeInstances(
    { client },
    { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] },
  )) {
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) {
        if (!i.ImageId) continue;
        counts.set(i.ImageId, (counts.get(i.ImageId) ?? 0) + 1);
        const list = running.get(i.ImageId) ?? [];
        list.push({
          account: r.OwnerId,
          region,
          instanceId: i.InstanceId ?? '',
          name: i.Tags?.find((t) => t.Key === 'Name')?.Value,
          launchTime: i.LaunchTime?.toISOString(),
        });
        running.set(i.ImageId, list);
      }
  }
  const ids = [...counts.keys()].sort();
  const described = new Map<string, Image>();
  for (let k = 0; k < ids.length; k += 100) {
    const chunk = ids.slice(k, k + 100);
    try {
      const r = await client.send(new DescribeImagesCommand({ ImageIds: chunk }));
      for (const img of r.Images ?? []) if (img.ImageId) described.set(img.ImageId, img);
    } catch (e) {
      if (!isAwsError(e, /InvalidAMIID/)) throw e;
      // One unknown id fails the whole call: describe them one by one.
      for (const id of chunk) {
        try {
          const img = (await client.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0];
          if (img) described.set(id, img);
        } catch (e2) {
          if (!isAwsError(e2, /InvalidAMIID/)) throw e2;
        }
      }
    }
  }
  return ids.map((imageId) => {
    const img = described.get(imageId);
    return {
      region,
      imageId,
      name: img?.Name,
      creationDate: img?.CreationDate,
      tags: imageTags(img),
      instances: counts.get(imageId) ?? 0,
      instanceList: running.get(imageId) ?? [],
      known: Boolean(img),
    };
  });
}

/**
 * The family's earlier golden images in this account and region, for the score trend: the scanned
 * image's `ami-bakery:family` tag (a promoted copy), else its `ami-bakery:template` (a baked image).
 */
export async function familyGoldenImages(
  client: EC2Client,
  amiId: string,
): Promise<{ family?: string; images: Image[] }> {
  const r = await client.send(new DescribeImagesCommand({ ImageIds: [amiId] }));
  const tags = imageTags(r.Images?.[0]);
  const key = tags[TAG.family] ? TAG.family : tags[TAG.template] ? TAG.template : undefined;
  if (!key) return { images: [] };
  const images = await describeOwnImages(client, { [TAG.status]: 'golden', [key]: tags[key] });
  return { family: `${key}=${tags[key]}`, images };
}
