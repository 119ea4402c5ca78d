/**
 * The EC2/STS sandbox for the fan-out benchmark, in a worker thread: real AWS does not share our
 * event loop, so the sandbox's XML work must not be counted as promote's time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Ec2Sandbox } from '../test/sandbox/ec2-sandbox.js';

const {
  copyLatencyMs,
  accounts,
  role,
  sources = 1,
  volumes = 1,
} = workerData as {
  copyLatencyMs: number;
  accounts: string[];
  role: string;
  /** how many build AMIs to make (the fleet: families × architectures) */
  sources?: number;
  /** snapshots per build AMI */
  volumes?: number;
};
const sb = new Ec2Sandbox({ copyLatencyMs });
await sb.start();
const creds = sb.addAccount(accounts[0]);
for (const a of accounts.slice(1)) {
  sb.addAccount(a);
  sb.addRole(a, role);
}
const made = Array.from({ length: sources }, (_, i) =>
  sb.putImage(accounts[0], 'us-east-1', {
    name: sources === 1 ? 'bench-source' : `bench-source-${i}`,
    tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' },
    volumes,
    // several sources: pairs of a family, x86_64 then arm64
    architecture: sources > 1 && i % 2 ? 'arm64' : 'x86_64',
  }),
);
parentPort!.postMessage({
  env: sb.env(creds, 'us-east-1'),
  creds,
  imageId: made[0].imageId,
  imageIds: made.map((i) => i.imageId),
});
type Message = string | { newImage: string; tags: Record<string, string> } | { leftOf: string };
parentPort!.on('message', async (m: Message) => {
  if (typeof m === 'object' && 'newImage' in m) {
    const img = sb.putImage(accounts[0], 'us-east-1', { name: m.newImage, tags: m.tags });
    parentPort!.postMessage({ imageId: img.imageId });
  } else if (typeof m === 'object' && 'leftOf' in m) {
    // what copies of a source are left: live images and snapshots in every account and region
    const images = [...sb.images.values()].filter(
      (i) => i.tags.get('ami-bakery:source-ami') === m.leftOf && sb.stateOf(i) !== 'deregistered',
    );
    const snapshots = [...sb.snapshots.values()].filter(
      (x) => !x.deleted && x.tags.get('ami-bakery:source-ami') === m.leftOf,
    );
    parentPort!.postMessage({ images: images.length, snapshots: snapshots.length });
  } else if (m === 'metrics') {
    const calls: Record<string, number> = {};
    for (const c of sb.calls) calls[c.action] = (calls[c.action] ?? 0) + 1;
    parentPort!.postMessage({
      maxPerRegion: Math.max(...sb.maxConcurrentCopiesPerRegion.values()),
      maxSlots: Math.max(0, ...sb.maxSnapshotCopies.values()),
      calls,
    });
  } else if (m === 'stop') {
    await sb.stop();
    parentPort!.close();
  }
});
