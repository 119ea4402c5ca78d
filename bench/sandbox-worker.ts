/**
 * The EC2/STS sandbox for the fan-out benchmark, in a worker thread: real AWS does not share our
 * event loop, so the sandbox's XML work must not be counted as promote's time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Ec2Sandbox } from '../test/sandbox/ec2-sandbox.js';

const { copyLatencyMs, accounts, role } = workerData as {
  copyLatencyMs: number;
  accounts: string[];
  role: string;
};
const sb = new Ec2Sandbox({ copyLatencyMs });
await sb.start();
const creds = sb.addAccount(accounts[0]);
for (const a of accounts.slice(1)) {
  sb.addAccount(a);
  sb.addRole(a, role);
}
const src = sb.putImage(accounts[0], 'us-east-1', {
  name: 'bench-source',
  tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' },
});
parentPort!.postMessage({ env: sb.env(creds, 'us-east-1'), creds, imageId: src.imageId });
parentPort!.on('message', async (m: string) => {
  if (m === 'metrics') {
    parentPort!.postMessage({ maxPerRegion: Math.max(...sb.maxConcurrentCopiesPerRegion.values()) });
  } else if (m === 'stop') {
    await sb.stop();
    parentPort!.close();
  }
});
