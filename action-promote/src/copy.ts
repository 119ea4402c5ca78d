/**
 * The copy fan-out: every planned destination copied (or reused) in parallel, as many at a time as
 * each destination account × region has snapshot copy slots, each ending in a typed DestResult. A
 * destination's failure is its result, never a throw.
 */
import {
  CopyImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { isAwsError, snapshotIdsOf, toAwsTags } from '../../shared/src/aws/tags.js';
import { messageOf } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { type Account, type Clients, removeImage } from './aws.js';
import { clientToken, type Destination } from './plan.js';

/** What became of one destination: typed, so outputs are counted from results, never parsed from notes. */
export interface DestResult extends Destination {
  outcome: 'copied' | 'reused' | 'failed';
  seconds: number;
  retired: number;
  error?: string;
  /** publishing: tagged golden (true only once the tags were written) */
  golden?: boolean;
  /** publishing: the SSM parameter names this copy */
  ssmUpdated?: boolean;
}

/**
 * Copy slots per destination account × region, counted as EBS counts them: an AMI copy holds one
 * slot per snapshot from CopyImage until it is available (quota "Concurrent snapshot copies per
 * destination Region", 20, not adjustable per the EBS quotas page). Waiters are served in order, so a 4-volume copy is not
 * starved by 1-volume ones; a copy needing more than the quota runs alone. `maxCopies` optionally
 * caps the AMI copies in flight per key as well (max-concurrency).
 */
export class SlotScheduler {
  private used = new Map<string, { slots: number; copies: number }>();
  private queues = new Map<string, Array<{ n: number; wake: () => void }>>();
  /** the most slots held at once, per key */
  readonly peak = new Map<string, number>();
  constructor(
    readonly slots: number,
    private readonly maxCopies = Number.POSITIVE_INFINITY,
  ) {}

  private fits(key: string, n: number): boolean {
    const u = this.used.get(key) ?? { slots: 0, copies: 0 };
    return u.copies === 0 || (u.slots + n <= this.slots && u.copies < this.maxCopies);
  }

  private take(key: string, n: number): void {
    const u = this.used.get(key) ?? { slots: 0, copies: 0 };
    u.slots += n;
    u.copies++;
    this.used.set(key, u);
    this.peak.set(key, Math.max(this.peak.get(key) ?? 0, u.slots));
  }

  /** Wait for `want` slots of `key` (at most the quota); resolves with the release function. */
  async acquire(key: string, want: number): Promise<() => void> {
    const n = Math.max(1, Math.min(want, this.slots));
    const q = this.queues.get(key) ?? [];
    this.queues.set(key, q);
    if (q.length || !this.fits(key, n)) await new Promise<void>((wake) => q.push({ n, wake }));
    else this.take(key, n);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const u = this.used.get(key)!;
      u.slots -= n;
      u.copies--;
      while (q.length && this.fits(key, q[0].n)) {
        const next = q.shift()!;
        this.take(key, next.n);
        next.wake();
      }
    };
  }
}

const jitter = (ms: number) => Math.round(ms * (0.5 + Math.random()));
/** What every copy shares: the source, the name and tags copies get, and the run's limits. */
export interface CopyJob {
  amiId: string;
  sourceRegion: string;
  source: Image;
  name: string;
  encrypt: boolean;
  /** tags every new copy (and its snapshots) is created with */
  tags: Record<string, string>;
  /** time-based copy: CopyImage's SnapshotCopyCompletionDurationMinutes */
  copyCompletionMinutes?: number;
  deadline: number;
  deadlineMs: number;
  /** the run's nonce for CopyImage tokens */
  runNonce: string;
  /** false (stage): start the copies and return; their results say copied (started) or reused */
  wait?: boolean;
}

/**
 * What every source of one run shares: the snapshot slots of each destination account × region
 * (summed over every AMI, architecture and volume) and one CopyWatcher per account × region, so a
 * look at copy progress serves the copies of every source there.
 */
export class CopyPool {
  readonly scheduler: SlotScheduler;
  private watchers = new Map<string, CopyWatcher>();
  constructor(
    private readonly io: Io,
    readonly copySlots: number,
    maxConcurrency?: number,
  ) {
    this.scheduler = new SlotScheduler(copySlots, maxConcurrency);
  }

  watcher(label: string, ec2: EC2Client): CopyWatcher {
    const w = this.watchers.get(label) ?? new CopyWatcher(this.io, ec2);
    this.watchers.set(label, w);
    return w;
  }

  /** the peak slots and the looks, once for the run */
  logFigures(): void {
    const peak = Math.max(0, ...this.scheduler.peak.values());
    if (!peak) return;
    const sum = (f: (w: CopyWatcher) => number) => [...this.watchers.values()].reduce((n, w) => n + f(w), 0);
    const looks = sum((w) => w.looks);
    const pairs = this.watchers.size;
    this.io.info(
      `Copies: at most ${peak} of ${this.copySlots} snapshot slots held per account × region; ${looks} look${looks === 1 ? '' : 's'} at copy progress over ${pairs} account × region pair${pairs === 1 ? '' : 's'} (${sum((w) => w.imageCalls)} DescribeImages, ${sum((w) => w.snapshotCalls)} DescribeSnapshots).`,
    );
  }
}

/**
 * Copy (or wait for, or reuse) every destination of one source, taking slots and watchers from the
 * run's pool. Broken copies left by earlier runs are removed first. `stop` ends waiting (cancel or
 * deadline); `cancel` tells the two apart in messages.
 */
export async function copyAll(
  io: Io,
  clients: Clients,
  accounts: Map<string, Account>,
  plan: Destination[],
  brokenCopies: Map<string, Image[]>,
  job: CopyJob,
  pool: CopyPool,
  stop: AbortSignal,
  cancel?: AbortSignal,
): Promise<DestResult[]> {
  const { scheduler } = pool;
  // every copy of this source takes one slot per snapshot of it, in its destination account × region
  const slots = Math.max(1, snapshotIdsOf(job.source).length);
  // stage mode returns once a copy has started, but its slots stay held until it is available, so
  // copies queued behind it start when AWS has room; what is still watched when all have started is let go
  const background = new AbortController();
  const results = await Promise.all(
    plan.map(async (d): Promise<DestResult> => {
      const t0 = Date.now();
      const ec2 = clients.ec2(accounts.get(d.account)!, d.region);
      const label = `${d.account}/${d.region}`;
      const result = (outcome: DestResult['outcome'], imageId?: string, error?: string): DestResult => ({
        ...d,
        imageId,
        outcome,
        seconds: Math.round((Date.now() - t0) / 1000),
        retired: 0,
        ...(error ? { error } : {}),
      });
      try {
        for (const broken of brokenCopies.get(label) ?? []) {
          await removeImage(ec2, broken);
          io.info(`${label}: removed failed copy ${broken.ImageId} (${broken.State}) and its snapshots`);
        }
        if (d.state === 'source' || d.state === 'exists') return result('reused', d.imageId);
        if (stop.aborted) throw new Error('stopped before copying');
        const release = await scheduler.acquire(label, slots);
        let imageId = d.imageId;
        try {
          if (d.state === 'copy') {
            if (stop.aborted) throw new Error('stopped before copying');
            imageId = await copyWithQueue(io, ec2, label, copyInput(job, d), stop);
            io.info(`${label}: copying as ${imageId} (${slots} snapshot slot${slots === 1 ? '' : 's'})`);
          }
        } catch (e) {
          release();
          throw e;
        }
        const done = pool
          .watcher(label, ec2)
          .wait(label, imageId!, job.wait === false ? AbortSignal.any([stop, background.signal]) : stop);
        if (job.wait === false) done.then(release, release);
        else await done.finally(release);
        return result(d.state === 'copy' ? 'copied' : 'reused', imageId);
      } catch (e) {
        const msg =
          stop.aborted && !cancel?.aborted && Date.now() >= job.deadline - 50
            ? `the deadline (${job.deadlineMs < 60_000 ? `${Math.round(job.deadlineMs / 1000)} s` : `${Math.round(job.deadlineMs / 60_000)} min`}) ran out: ${messageOf(e)}`
            : messageOf(e);
        io.warning(`${label}: ${msg}`);
        return result('failed', d.imageId, msg.slice(0, 300));
      }
    }),
  );
  background.abort();
  return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}

// The token makes the SDK's own retries of one CopyImage safe. Across runs, earlier copies are
// found by their source tag instead: a token reused after a failed copy would return that copy.
function copyInput(job: CopyJob, d: Destination): ConstructorParameters<typeof CopyImageCommand>[0] {
  const { source } = job;
  return {
    SourceImageId: job.amiId,
    SourceRegion: job.sourceRegion,
    Name: job.name,
    Description:
      `${source.Description ?? source.Name ?? job.amiId} (golden copy of ${job.amiId} from ${job.sourceRegion})`.slice(
        0,
        255,
      ),
    Encrypted: job.encrypt || undefined,
    KmsKeyId: d.kmsKeyId,
    ClientToken: clientToken(job.amiId, d.account, d.region, job.runNonce),
    SnapshotCopyCompletionDurationMinutes: job.copyCompletionMinutes,
    TagSpecifications: [
      { ResourceType: 'image', Tags: toAwsTags(job.tags) },
      { ResourceType: 'snapshot', Tags: toAwsTags(job.tags) },
    ],
  };
}

/**
 * CopyImage. ResourceLimitExceeded means the destination's snapshot copy slots are taken (by
 * another run, or copies started outside promote): wait, with jitter, and try again until `stop`
 * (the deadline or a cancel), never failing before it.
 */
async function copyWithQueue(
  io: Io,
  ec2: EC2Client,
  label: string,
  input: ConstructorParameters<typeof CopyImageCommand>[0],
  stop: AbortSignal,
): Promise<string> {
  let wait = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await ec2.send(new CopyImageCommand(input));
      return r.ImageId!;
    } catch (e) {
      if (!isAwsError(e, 'ResourceLimitExceeded') || stop.aborted) throw e;
      if (attempt === 1)
        io.info(
          `${label}: the account's concurrent snapshot copy quota is taken (ResourceLimitExceeded); waiting for room`,
        );
      await abortableSleep(jitter(wait), stop);
      wait = Math.min(wait * 2, 30_000);
    }
  }
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Next poll, from the snapshot progress. Before half-way an early, coarse figure (5 % after 0.1 s)
 * is a poor estimate: never wait longer than the time spent so far, and a little less than the
 * estimate, so it is refined as the copy advances. From half-way the estimate is trusted: poll
 * just after it (by the floor), so the look that finds the copy available is usually the only one
 * at the end. Bounded by 15 s above and, below, by 2 % of the time already spent (at least 100 ms),
 * so a copy that took minutes is not polled in a burst at the end.
 */
export function nextPollMs(elapsedMs: number, progressPct: number | undefined, fallbackMs: number): number {
  const floor = Math.max(100, elapsedMs * 0.02);
  // Snapshots complete, image still pending: registration is moments away.
  if (progressPct !== undefined && progressPct >= 100) return floor;
  if (!progressPct || progressPct <= 0) return fallbackMs;
  const remaining = (elapsedMs * (100 - progressPct)) / progressPct;
  if (progressPct >= 50) return Math.round(Math.max(floor, Math.min(15_000, remaining + floor)));
  return Math.round(Math.max(floor, Math.min(15_000, remaining * 0.9, Math.max(elapsedMs, 250))));
}

/**
 * When the watcher looks next: the soonest copy's time, or the latest of those due within half the
 * wait after it, so copies started moments apart (several sources) end in one look, not one each.
 */
export function nextLookAt(dues: number[], now: number): number {
  const first = Math.min(...dues);
  const window = Math.max(50, 0.5 * (first - now));
  return Math.max(...dues.filter((d) => d <= first + window));
}

interface Waiter {
  imageId: string;
  label: string;
  t0: number;
  /** when this copy wants its next look (ms since epoch) */
  due: number;
  fallback: number;
  lastProgress: string;
  snapshots: string[];
  /** when DescribeImages last answered for it */
  imageAskedAt: number;
  /** its next look is timed after its estimated end: ask for the image first */
  expectDone: boolean;
  resolve: () => void;
  reject: (e: Error) => void;
}

const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * Waits for every copy in one account × region with one DescribeSnapshots (progress) per look, and
 * one DescribeImages for the copies whose snapshots are new, complete, failed or gone, however many
 * copies are pending: 40 copies cost at most 2 calls a look, not 80; while they copy, 1.
 * A look serves every copy there, of every source of the run, and sets each one's next look.
 * Ids go in an `image-id` filter, so a copy EC2 does not list yet (eventual consistency just after
 * CopyImage) is looked for again instead of failing the whole call. Each copy keeps its own next
 * look (from its snapshots' progress); the soonest is the watcher's next look. Throttling that outlasts
 * the SDK's own retries waits and looks again.
 */
export class CopyWatcher {
  private waiting = new Map<string, Waiter>();
  private looping = false;
  private wake?: () => void;
  /** looks made, and the calls they made */
  looks = 0;
  imageCalls = 0;
  snapshotCalls = 0;
  constructor(
    private readonly io: Io,
    private readonly ec2: EC2Client,
  ) {}

  wait(label: string, imageId: string, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (!this.waiting.delete(imageId)) return;
        reject(new Error(`stopped while ${imageId} was copying (it continues in AWS; a re-run picks it up)`));
        if (!this.waiting.size) this.wake?.();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          signal?.removeEventListener('abort', onAbort);
          f(...a);
        };
      this.waiting.set(imageId, {
        imageId,
        label,
        t0: Date.now(),
        due: Date.now() + 250,
        fallback: 250,
        lastProgress: '',
        snapshots: [],
        imageAskedAt: 0,
        expectDone: false,
        resolve: done(resolve),
        reject: done(reject),
      });
      this.wake?.();
      if (!this.looping) void this.loop();
    });
  }

  private async nap(ms: number): Promise<void> {
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    this.looping = true;
    let throttled = 1000;
    try {
      while (this.waiting.size) {
        const next = nextLookAt(
          [...this.waiting.values()].map((w) => w.due),
          Date.now(),
        );
        if (next > Date.now()) {
          await this.nap(next - Date.now());
          continue;
        }
        try {
          await this.look();
          throttled = 1000;
        } catch (e) {
          if (isAwsError(e, 'RequestLimitExceeded') || isAwsError(e, 'Throttling')) {
            await this.nap(jitter(throttled));
            throttled = Math.min(throttled * 2, 30_000);
            continue;
          }
          for (const w of this.waiting.values())
            w.reject(new Error(`waiting for ${w.imageId}: ${messageOf(e)}`));
          this.waiting.clear();
        }
      }
    } finally {
      this.looping = false;
    }
  }

  /** The snapshots' progress and state, 200 ids a DescribeSnapshots. */
  private async progressOf(ids: string[], into: Map<string, { pct: string; state?: string }>): Promise<void> {
    for (const part of chunks(ids, 200)) {
      this.snapshotCalls++;
      const r = await this.ec2.send(
        new DescribeSnapshotsCommand({ Filters: [{ Name: 'snapshot-id', Values: part }] }),
      );
      for (const x of r.Snapshots ?? []) into.set(x.SnapshotId!, { pct: x.Progress ?? '0%', state: x.State });
    }
  }

  private async look(): Promise<void> {
    this.looks++;
    const now = Date.now();
    // 1. the progress of every copy whose snapshots are known: one DescribeSnapshots for all of them
    const progress = new Map<string, { pct: string; state?: string }>();
    // (not of those expected done by now: the image is asked for first, and is usually available)
    const snaps = [...this.waiting.values()].filter((w) => !w.expectDone).flatMap((w) => w.snapshots);
    await this.progressOf(snaps, progress);
    // 2. the image only when it may have changed: its snapshots not known yet, complete, failed or
    // gone, or not asked for in a minute (an image cannot be available while its snapshots copy)
    const ask = [...this.waiting.values()].filter(
      (w) =>
        w.expectDone ||
        !w.snapshots.length ||
        w.snapshots.some((id) => progress.get(id)?.state !== 'pending') ||
        now - w.imageAskedAt >= 60_000,
    );
    const images = new Map<string, Image>();
    for (const part of chunks(
      ask.map((w) => w.imageId),
      200,
    )) {
      this.imageCalls++;
      const r = await this.ec2.send(
        new DescribeImagesCommand({ Filters: [{ Name: 'image-id', Values: part }] }),
      );
      for (const img of r.Images ?? []) images.set(img.ImageId!, img);
    }
    const pending: Waiter[] = [];
    for (const w of [...this.waiting.values()]) {
      const id = w.imageId;
      if (!ask.includes(w)) {
        pending.push(w);
        continue;
      }
      w.imageAskedAt = now;
      const img = images.get(id);
      if (img?.State === 'available') {
        this.waiting.delete(id);
        this.io.info(`${w.label}: ${id} available`);
        w.resolve();
      } else if (img && img.State !== 'pending') {
        // A failed copy never recovers: remove it (and its snapshots) so a re-run copies afresh.
        this.waiting.delete(id);
        await removeImage(this.ec2, img).then(
          () =>
            w.reject(
              new Error(
                `copy ${id} ended ${img.State}${img.StateReason?.Message ? ` (${img.StateReason.Message})` : ''}; it was deregistered with its snapshots, and a re-run copies again`,
              ),
            ),
          (e) =>
            w.reject(new Error(`copy ${id} ended ${img.State}, and removing it failed: ${messageOf(e)}`)),
        );
      } else {
        w.snapshots = img ? snapshotIdsOf(img) : [];
        pending.push(w);
      }
    }
    // snapshots seen for the first time, or not asked about in this look (a copy expected done that
    // is not), or gone from the first answer: their progress now, in one call
    const fresh = pending.flatMap((w) => w.snapshots.filter((id) => !progress.has(id)));
    await this.progressOf(fresh, progress);
    // each pending copy's next look from its progress; the watcher keeps one schedule (the soonest,
    // see nextLookAt), so copies of several sources started moments apart share every look
    for (const w of pending) {
      const values = w.snapshots
        .map((id) => progress.get(id)?.pct)
        .filter((p): p is string => p !== undefined);
      const pct = values.length ? Math.min(...values.map((p) => Number.parseFloat(p) || 0)) : undefined;
      const shown = values.join(', ');
      if (shown && shown !== w.lastProgress) this.io.info(`${w.label}: ${w.imageId} ${shown}`);
      w.lastProgress = shown;
      w.due = Date.now() + nextPollMs(Date.now() - w.t0, pct, w.fallback);
      // from half-way the next look is timed just after the estimate (nextPollMs)
      w.expectDone = pct !== undefined && pct >= 50;
      w.fallback = Math.min(Math.round(w.fallback * 1.5), 10_000);
    }
  }
}
