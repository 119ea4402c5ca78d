/**
 * Promote's copy fan-out with fake EC2 clients and fake timers: the polling, the copy queue and the
 * removal of a failed copy, without a sandbox. (The sandbox and moto tests are the integration layer.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clients } from '../../action-promote/src/aws.js';
import {
  type CopyJob,
  CopyPool,
  CopyWatcher,
  copyAll,
  nextLookAt,
  nextPollMs,
  SlotScheduler,
} from '../../action-promote/src/copy.js';
import type { Destination } from '../../action-promote/src/plan.js';
import { CliIo } from '../../shared/src/io.js';

type Script = Array<{ state: string; progress?: string; reason?: string }>;

/**
 * An EC2 stand-in: CopyImage may be refused `limited` times; then each DescribeSnapshots walks
 * `script` one step (a snapshot is pending while its step is), and DescribeImages answers the step
 * reached, as EC2 does: an image is not available while its snapshots copy.
 */
function fakeEc2(opts: { limited?: number; script: Script }) {
  const calls: string[] = [];
  let refusals = opts.limited ?? 0;
  let step = 0;
  const at = () => opts.script[Math.min(step, opts.script.length - 1)];
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
          const s = at();
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
          const s = at();
          step++;
          return {
            Snapshots: [
              {
                SnapshotId: 'snap-1',
                Progress: s.state === 'pending' ? (s.progress ?? '0%') : '100%',
                State: s.state === 'pending' ? 'pending' : s.state === 'failed' ? 'error' : 'completed',
              },
            ],
          };
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
  const done = copyAll(io, clients, accounts, [dest], new Map(), job, new CopyPool(io, 20), stop);
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
    expect(
      lines.filter((l) =>
        /concurrent snapshot copy quota is taken \(ResourceLimitExceeded\); waiting for room/.test(l),
      ),
    ).toHaveLength(1);
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
  it('the watcher looks at the soonest copy, or with the later ones due within half the wait after it', () => {
    // two copies started 144 ms apart, both past half-way: one look after both, not one each
    expect(nextLookAt([1_300, 1_444], 1_000)).toBe(1_444);
    // a copy due much later is not waited for
    expect(nextLookAt([1_300, 2_000], 1_000)).toBe(1_300);
    // at least 50 ms of slack when the soonest is due now
    expect(nextLookAt([1_000, 1_040, 1_200], 1_000)).toBe(1_040);
  });
});

describe('snapshot copy slots per account × region', () => {
  /** Starts jobs of `slots` each under one key, finishing them in the order asked; records what ran together. */
  function harness(sched: SlotScheduler) {
    let held = 0;
    let peak = 0;
    const order: string[] = [];
    const running = new Map<string, () => void>();
    const start = (name: string, slots: number, key = 'A/us-east-1') =>
      sched.acquire(key, slots).then((release) => {
        held += Math.min(slots, sched.slots);
        peak = Math.max(peak, held);
        order.push(name);
        running.set(name, () => {
          held -= Math.min(slots, sched.slots);
          running.delete(name);
          release();
        });
      });
    const flush = () => new Promise((r) => setTimeout(r, 0));
    return { start, order, running, flush, peak: () => peak };
  }

  it('fills the quota, never passes it, and serves waiters in order (a big copy is not starved)', async () => {
    const sched = new SlotScheduler(20);
    const h = harness(sched);
    // 9 two-volume copies (18 slots), then a four-volume one that does not fit, then a one-volume one
    for (let i = 0; i < 9; i++) void h.start(`two-${i}`, 2);
    void h.start('four', 4);
    void h.start('one', 1);
    await h.flush();
    expect(h.order).toHaveLength(9);
    expect(h.peak()).toBe(18);
    // 'one' would fit in the 2 slots left, but 'four' is ahead of it
    h.running.get('two-0')!();
    await h.flush();
    expect(h.order.slice(9)).toEqual(['four']);
    expect(h.peak()).toBe(20);
    h.running.get('two-1')!();
    await h.flush();
    expect(h.order.slice(10)).toEqual(['one']);
    expect(sched.peak.get('A/us-east-1')).toBe(20);
  });

  it('keys are independent: another account or region has its own 20', async () => {
    const sched = new SlotScheduler(20);
    const h = harness(sched);
    for (const key of ['A/us-east-1', 'B/us-east-1', 'A/eu-west-1'])
      for (let i = 0; i < 20; i++) void h.start(`${key}-${i}`, 1, key);
    await h.flush();
    expect(h.order).toHaveLength(60);
    expect([...sched.peak.values()]).toEqual([20, 20, 20]);
  });

  it('a copy needing more slots than the quota runs alone, and max-concurrency caps copies too', async () => {
    const big = harness(new SlotScheduler(3));
    void big.start('five-volumes', 5);
    void big.start('one', 1);
    await big.flush();
    expect(big.order).toEqual(['five-volumes']);
    big.running.get('five-volumes')!();
    await big.flush();
    expect(big.order).toEqual(['five-volumes', 'one']);

    const capped = harness(new SlotScheduler(20, 2));
    for (let i = 0; i < 4; i++) void capped.start(`c${i}`, 1);
    await capped.flush();
    expect(capped.order).toEqual(['c0', 'c1']);
  });
});

describe('one look at every copy of an account × region', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('40 copies cost one DescribeSnapshots a look, and DescribeImages only when they may have changed; a copy not listed yet is looked for again', async () => {
    const calls: Array<{ op: string; n: number }> = [];
    const ids = Array.from({ length: 40 }, (_, i) => `ami-0${String(i).padStart(16, '0')}`);
    // every copy takes 2 s, as EC2 would: its snapshots pending, then completed, then the image available
    const start = Date.now();
    const done = () => Date.now() - start >= 2_000;
    let listed = false;
    const ec2 = {
      async send(cmd: { constructor: { name: string }; input: { Filters?: Array<{ Values: string[] }> } }) {
        const op = cmd.constructor.name.replace(/Command$/, '');
        const values = cmd.input.Filters?.[0].Values ?? [];
        calls.push({ op, n: values.length });
        if (op === 'DescribeImages') {
          // the last copy is not listed on the first look (EC2's eventual consistency)
          const first = !listed;
          listed = true;
          return {
            Images: values
              .filter((id) => !first || id !== ids[39])
              .map((id) => ({
                ImageId: id,
                State: done() ? 'available' : 'pending',
                BlockDeviceMappings: [{ Ebs: { SnapshotId: id.replace('ami', 'snap') } }],
              })),
          };
        }
        const pct = Math.min(100, Math.floor((100 * (Date.now() - start)) / 2_000));
        return {
          Snapshots: values.map((id) => ({
            SnapshotId: id,
            Progress: `${done() ? 100 : Math.min(99, pct)}%`,
            State: done() ? 'completed' : 'pending',
          })),
        };
      },
    };
    const io = new CliIo({ inputs: {}, env: {}, out: () => {}, err: () => {} });
    const w = new CopyWatcher(io, ec2 as never);
    const all = Promise.all(ids.map((id) => w.wait('A/us-east-1', id)));
    await vi.runAllTimersAsync();
    await all;
    const images = calls.filter((c) => c.op === 'DescribeImages');
    // all 40 at first; then only the one not listed; then all 40 once their snapshots completed
    expect(images.map((c) => c.n)).toEqual([40, 1, 40]);
    // never a call per copy: every DescribeSnapshots asks for every copy known, but the one for the
    // late-listed copy's new snapshot
    const snapshots = calls.filter((c) => c.op === 'DescribeSnapshots').map((c) => c.n);
    expect(snapshots.filter((n) => n < 39)).toEqual([1]);
    expect(calls.length / ids.length).toBeLessThan(0.25);
    expect(w.imageCalls).toBe(3);
  });
});
