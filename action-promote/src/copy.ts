/**
 * The copy fan-out: every planned destination copied (or reused) in parallel, a few at a time per
 * region, each ending in a typed DestResult. A destination's failure is its result, never a throw.
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

/** A counting semaphore per key (region). */
export class Limiter {
  private active = new Map<string, number>();
  private queues = new Map<string, Array<() => void>>();
  constructor(private readonly max: number) {}
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    while ((this.active.get(key) ?? 0) >= this.max) {
      await new Promise<void>((r) => {
        const q = this.queues.get(key) ?? [];
        q.push(r);
        this.queues.set(key, q);
      });
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1);
      this.queues.get(key)?.shift()?.();
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
  maxConcurrency: number;
  deadline: number;
  deadlineMs: number;
  /** the run's nonce for CopyImage tokens */
  runNonce: string;
  /** false (stage): start the copies and return; their results say copied (started) or reused */
  wait?: boolean;
}

/**
 * Copy (or wait for, or reuse) every destination. Broken copies left by earlier runs are removed
 * first. `stop` ends waiting (cancel or deadline); `cancel` tells the two apart in messages.
 */
export async function copyAll(
  io: Io,
  clients: Clients,
  accounts: Map<string, Account>,
  plan: Destination[],
  brokenCopies: Map<string, Image[]>,
  job: CopyJob,
  stop: AbortSignal,
  cancel?: AbortSignal,
): Promise<DestResult[]> {
  const limiter = new Limiter(job.maxConcurrency);
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
        const imageId = await limiter.run(d.region, async () => {
          let idNow = d.imageId;
          if (d.state === 'copy') {
            if (stop.aborted) throw new Error('stopped before copying');
            idNow = await copyWithQueue(io, ec2, label, copyInput(job, d));
            io.info(`${label}: copying as ${idNow}`);
          }
          if (job.wait !== false) await waitAvailable(io, ec2, label, idNow!, stop);
          return idNow!;
        });
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
    TagSpecifications: [
      { ResourceType: 'image', Tags: toAwsTags(job.tags) },
      { ResourceType: 'snapshot', Tags: toAwsTags(job.tags) },
    ],
  };
}

/** CopyImage; a concurrent-copy limit (ResourceLimitExceeded) waits and tries again instead of failing. */
async function copyWithQueue(
  io: Io,
  ec2: EC2Client,
  label: string,
  input: ConstructorParameters<typeof CopyImageCommand>[0],
): Promise<string> {
  let wait = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await ec2.send(new CopyImageCommand(input));
      return r.ImageId!;
    } catch (e) {
      if (!isAwsError(e, 'ResourceLimitExceeded') || attempt > 200) throw e;
      if (attempt === 1) io.info(`${label}: the region's concurrent copy limit is reached; queued`);
      await sleep(jitter(wait));
      wait = Math.min(wait * 2, 30_000);
    }
  }
}

/**
 * Next poll: from the snapshot progress, when the copy should be done, a little early. Bounded by
 * 15 s and by the time spent so far above, and, below, by 2 % of the time already spent (at least 100 ms), so a copy that took
 * minutes is not polled in a burst at the end.
 */
export function nextPollMs(elapsedMs: number, progressPct: number | undefined, fallbackMs: number): number {
  const floor = Math.max(100, elapsedMs * 0.02);
  // Snapshots complete, image still pending: registration is moments away.
  if (progressPct !== undefined && progressPct >= 100) return floor;
  if (!progressPct || progressPct <= 0) return fallbackMs;
  const remaining = (elapsedMs * (100 - progressPct)) / progressPct;
  // An early, coarse progress figure (5 % after 0.1 s) is a poor estimate: never wait longer than
  // the time spent so far, so the estimate is refined as the copy advances.
  return Math.round(Math.max(floor, Math.min(15_000, remaining * 0.9, Math.max(elapsedMs, 250))));
}

export async function waitAvailable(
  io: Io,
  ec2: EC2Client,
  label: string,
  imageId: string,
  signal?: AbortSignal,
): Promise<void> {
  const t0 = Date.now();
  let fallback = 250;
  let lastProgress = '';
  for (;;) {
    const img = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
    if (img?.State === 'available') {
      io.info(`${label}: ${imageId} available`);
      return;
    }
    if (img && img.State !== 'pending') {
      // A failed copy never recovers: remove it (and its snapshots) so a re-run copies afresh.
      await removeImage(ec2, img);
      throw new Error(
        `copy ${imageId} ended ${img.State}${img.StateReason?.Message ? ` (${img.StateReason.Message})` : ''}; it was deregistered with its snapshots, and a re-run copies again`,
      );
    }
    const snaps = snapshotIdsOf(img);
    let pct: number | undefined;
    if (snaps.length) {
      const r = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snaps }));
      const values = (r.Snapshots ?? []).map((s) => Number.parseFloat(s.Progress ?? '0') || 0);
      pct = values.length ? Math.min(...values) : undefined;
      const progress = (r.Snapshots ?? []).map((s) => s.Progress ?? '0%').join(', ');
      if (progress !== lastProgress) io.info(`${label}: ${imageId} ${progress}`);
      lastProgress = progress;
    }
    if (signal?.aborted)
      throw new Error(`stopped while ${imageId} was copying (it continues in AWS; a re-run picks it up)`);
    await sleep(nextPollMs(Date.now() - t0, pct, fallback));
    fallback = Math.min(Math.round(fallback * 1.5), 10_000);
  }
}
