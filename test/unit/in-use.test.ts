/** Which image an in-use re-scan scans, and which images a failed re-scan marks: pure. */
import { describe, expect, it } from 'vitest';
import {
  chooseInUseImage,
  type InUseImage,
  outdatedImages,
  vulnerableImages,
} from '../../action-scan/src/in-use.js';

const img = (
  imageId: string,
  region: string,
  creationDate: string,
  tags: Record<string, string> = {},
): InUseImage => ({
  imageId,
  region,
  creationDate,
  instances: 1,
  known: true,
  tags: { 'ami-bakery:status': 'golden', 'ami-bakery:family': 'web-', ...tags },
});

describe('in-use selection', () => {
  const images = [
    img('ami-old-eu', 'eu-west-1', '2026-01-01'),
    img('ami-new-us', 'us-east-1', '2026-03-01'),
    img('ami-new-eu', 'eu-west-1', '2026-02-01'),
    { ...img('ami-theirs', 'eu-west-1', '2026-09-01'), tags: {} },
  ];
  it('scans the newest golden image in the scan region, else the newest anywhere; never a non-golden one', () => {
    expect(chooseInUseImage(images, 'eu-west-1')?.imageId).toBe('ami-new-eu');
    expect(chooseInUseImage(images, 'ap-south-1')?.imageId).toBe('ami-new-us');
    expect(chooseInUseImage(images.slice(3), 'eu-west-1')).toBeUndefined();
  });
  it('outdated: an older golden image in use next to a newer one of its family in the same region', () => {
    expect(outdatedImages(images).map((i) => i.imageId)).toEqual(['ami-old-eu']);
  });
  it('a failed scan marks the image, its copies elsewhere, and older ones of its family; not newer ones', () => {
    const copy = img('ami-copy-us', 'us-east-1', '2026-04-01', { 'ami-bakery:source-ami': 'ami-new-eu' });
    const marked = vulnerableImages([...images, copy], 'ami-new-eu').map((i) => i.imageId);
    expect(marked.sort()).toEqual(['ami-copy-us', 'ami-new-eu', 'ami-old-eu']);
    expect(vulnerableImages(images, 'ami-unknown')).toEqual([]);
  });
});
