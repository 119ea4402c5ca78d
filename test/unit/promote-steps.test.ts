/**
 * Promote's copy fan-out with fake EC2 clients and fake timers: the polling, the copy queue and the
 * removal of a failed copy, without a sandbox. (The sandbox and moto tests are the integration layer.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clients } from '../../action-promote/src/aws.js';
import { type CopyJob, copyAll, nextPollMs } from '../../action-promote/src/copy.js';
import type { Destination } from '../../action-promote/src/plan.js';
import { CliIo } from '../../shared/src/io.js';

type Script = Array<{ state: string; progress?: string; reason?: string }>;

/** An EC2 stand-in: CopyImage may be refused `limited` times, then DescribeImages walks `script`. */
function fakeEc2(opts: { limited?: number; script: Script }) {
  const calls: string[] = [];
  let refusals = opts.limited ?? 0;
  let step = 0;
  const client = {
    async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      const op = cmd.constructor.name.replace(/Command$/, '');
      calls.push(op);
      switch (op) {
        case 'CopyImage':
          if (refusals-- > 0)
            throw Object.assign(new Error('too many copies'), { name: 'ResourceLimitExceeded' });
          return { ImageId: 'ami-0copy000000000000' };
        case 'DescribeImages': {
          const s = opts.script[Math.min(step++, opts.script.length - 1)];
          return {
            Images: [
              {
                ImageId: 'ami-0copy000000000000',
                State: s.state,
                StateReason: s.reason ? { Message: s.reason } : undefined,
                BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-1' } }],
              },
            ],
          };
        }
        case 'DescribeSnapshots': {
          const s = opts.script[Math.max(0, step - 1)];
          return { Snapshots: [{ SnapshotId: 'snap-1', Progress: s.progress ?? '0%' }] };
        }
        case 'DeregisterImage':
        case 'DeleteSnapshot':
          return {};
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
  return { client, calls };
}

const job: CopyJob = {
  amiId: 'ami-0source0000000000',
  sourceRegion: 'eu-west-1',
  source: { ImageId: 'ami-0source0000000000', Name: 'build' },
  name: 'golden',
  encrypt: true,
  tags: { 'ami-bakery:status': 'candidate' },
  maxConcurrency: 2,
  deadline: Number.MAX_SAFE_INTEGER,
  deadlineMs: 60 * 60_000,
  runNonce: 'run-1',
};
const dest: Destination = { account: '111122223333', region: 'us-east-1', state: 'copy' };

function run(ec2: ReturnType<typeof fakeEc2>, stop = new AbortController().signal) {
  const lines: string[] = [];
  const io = new CliIo({ inputs: {}, env: {}, out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const clients = { ec2: () => ec2.client } as unknown as Clients;
  const accounts = new Map([[dest.account, { id: dest.account }]]);
  const done = copyAll(io, clients, accounts, [dest], new Map(), job, stop);
  return { done, lines };
}

describe('copy fan-out (fake clients, fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a full copy queue waits and retries; progress is polled until the copy is available', async () => {
    const ec2 = fakeEc2({
      limited: 2,
      script: [
        { state: 'pending', progress: '10%' },
        { state: 'pending', progress: '80%' },
        { state: 'available' },
      ],
    });
    const { done, lines } = run(ec2);
    await vi.runAllTimersAsync();
    const [r] = await done;
    expect(r.outcome).toBe('copied');
    expect(r.imageId).toBe('ami-0copy000000000000');
    expect(ec2.calls.filter((c) => c === 'CopyImage')).toHaveLength(3);
    expect(lines.filter((l) => /concurrent copy limit is reached; queued/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /ami-0copy000000000000 80%/.test(l))).toBe(true);
    expect(lines.some((l) => /ami-0copy000000000000 available/.test(l))).toBe(true);
  });

  it('a copy that ends failed is deregistered with its snapshots; the result says a re-run copies again', async () => {
    const ec2 = fakeEc2({ script: [{ state: 'pending' }, { state: 'failed', reason: 'KMS key disabled' }] });
    const { done } = run(ec2);
    await vi.runAllTimersAsync();
    const [r] = await done;
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(
      /ended failed \(KMS key disabled\); it was deregistered with its snapshots, and a re-run copies again/,
    );
    expect(ec2.calls).toContain('DeregisterImage');
    expect(ec2.calls).toContain('DeleteSnapshot');
  });

  it('stopped (cancel or deadline) before copying: nothing is copied, the destination is failed', async () => {
    const ec2 = fakeEc2({ script: [{ state: 'available' }] });
    const stop = new AbortController();
    stop.abort();
    const [r] = await run(ec2, stop.signal).done;
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/stopped before copying/);
    expect(ec2.calls).not.toContain('CopyImage');
  });
});

describe('poll interval', () => {
  it('follows the snapshot progress, bounded above by 15 s and below by 2 % of the time spent', () => {
    expect(nextPollMs(10_000, undefined, 250)).toBe(250);
    expect(nextPollMs(60_000, 50, 250)).toBe(15_000);
    expect(nextPollMs(600_000, 100, 250)).toBe(12_000);
  });
});
