export const id = 146;
export const ids = [146];
export const modules = {

/***/ 4146:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  promoteWith: () => (/* binding */ promoteWith)
});

// UNUSED EXPORTS: refusalSummary

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var dist_cjs = __webpack_require__(5193);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-auto-scaling/dist-cjs/index.js
var client_auto_scaling_dist_cjs = __webpack_require__(8932);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(4736);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(3904);
// EXTERNAL MODULE: ./shared/src/aws/tags.ts
var aws_tags = __webpack_require__(9072);
;// CONCATENATED MODULE: ./shared/src/aws/ec2.ts
/**
 * The AWS clients every stage uses, made in one place. Endpoints come from the SDK's standard
 * environment variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ..._STS, ..._SSM), which is also how
 * tests reach the local sandbox.
 */






function config(region, opts = {}) {
    const retry = opts.retry === 'fanout' ? { retryMode: 'adaptive', maxAttempts: 20 } : { maxAttempts: 5 };
    return { region, ...(opts.credentials ? { credentials: opts.credentials } : {}), ...retry };
}
function ec2Client(region, opts) {
    return new dist_cjs/* EC2Client */.gu5(config(region, opts));
}
function ssmClient(region, opts) {
    return new client_ssm_dist_cjs/* SSMClient */.jBj(config(region, opts));
}
function autoScalingClient(region, opts) {
    return new client_auto_scaling_dist_cjs/* AutoScalingClient */.yis(config(region, opts));
}
function stsClient(region, opts) {
    return new client_sts_dist_cjs/* STSClient */.iM(config(region, opts));
}
/**
 * Tag images (and their snapshots, when given among `ids`). With `mustExist` (the input that named
 * the image), the first id is checked first, so a wrong id is a clear error naming that input, not a partial change.
 */
async function tagImages(client, ids, tags, opts = {}) {
    if (!ids.length)
        return;
    const input = opts.mustExist;
    if (input) {
        const hint = `check ${input} and aws-region.`;
        let found;
        try {
            found = Boolean((await client.send(new DescribeImagesCommand({ ImageIds: [ids[0]] }))).Images?.length);
        }
        catch (e) {
            if (!isAwsError(e, /InvalidAMIID/))
                throw e;
            throw new InputError(input, `${ids[0]} does not exist in this account/region (${e.name}).`, hint);
        }
        if (!found)
            throw new InputError(input, `${ids[0]} was not found in this account/region.`, hint);
    }
    await client.send(new CreateTagsCommand({ Resources: ids, Tags: toAwsTags(tags) }));
}
/** One image by id; undefined when EC2 does not know it (InvalidAMIID). */
async function describeImage(ec2, imageId) {
    try {
        return (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [imageId] }))).Images?.[0];
    }
    catch (e) {
        if (!(0,aws_tags/* isAwsError */.m_)(e, /InvalidAMIID/))
            throw e;
        return undefined;
    }
}
/** This account's images (`Owners: self`, not deregistered) with the given tags. */
async function describeOwnImages(ec2, 
/** tag → value, or values (any of them) */
filters) {
    const r = await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({
        Owners: ['self'],
        Filters: Object.entries(filters).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v].flat() })),
    }));
    return (r.Images ?? []).filter((i) => i.State !== 'deregistered');
}

;// CONCATENATED MODULE: ./shared/src/deadline.ts
/**
 * A signal that aborts when `parent` does or when `ms` have passed. AbortSignal.timeout() holds its
 * timer weakly: once nothing else references the timeout signal (AbortSignal.any keeps only a weak
 * link to its sources), garbage collection can take it and the deadline never fires (seen on Node
 * 20 with --expose-gc, and by chance on 24). Here the timer is an ordinary one, held until `clear()`.
 */
function deadlineSignal(ms, parent) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`the deadline of ${ms} ms passed`, 'TimeoutError')), Math.max(1, ms));
    const onParent = () => controller.abort(parent?.reason);
    if (parent?.aborted)
        onParent();
    else
        parent?.addEventListener('abort', onParent, { once: true });
    return {
        signal: controller.signal,
        clear: () => {
            clearTimeout(timer);
            parent?.removeEventListener('abort', onParent);
        },
    };
}

// EXTERNAL MODULE: ./shared/src/markdown.ts
var markdown = __webpack_require__(1229);
;// CONCATENATED MODULE: ./action-promote/src/aws.ts





/** One SDK client per account and region, created on first use (adaptive retry: many parallel calls). */
class Clients {
    ec2s = new Map();
    ssms = new Map();
    stss = new Map();
    asgs = new Map();
    static get(cache, a, region, make) {
        const k = `${a.id}/${region}`;
        let c = cache.get(k);
        if (!c) {
            c = make();
            cache.set(k, c);
        }
        return c;
    }
    ec2(a, region) {
        return Clients.get(this.ec2s, a, region, () => ec2Client(region, { credentials: a.credentials, retry: 'fanout' }));
    }
    ssm(a, region) {
        return Clients.get(this.ssms, a, region, () => ssmClient(region, { credentials: a.credentials, retry: 'fanout' }));
    }
    autoScaling(a, region) {
        return Clients.get(this.asgs, a, region, () => autoScalingClient(region, { credentials: a.credentials, retry: 'fanout' }));
    }
    /** STS with the default credentials (the caller's account). */
    sts(region) {
        return Clients.get(this.stss, { id: 'caller' }, region, () => stsClient(region, { retry: 'fanout' }));
    }
    destroy() {
        for (const c of [
            ...this.ec2s.values(),
            ...this.ssms.values(),
            ...this.stss.values(),
            ...this.asgs.values(),
        ])
            c.destroy();
    }
}
/** The caller's account, and the destination account ids (the caller's when `accounts` is empty). */
async function callerAccounts(sts, cfg) {
    const me = await sts.send(new client_sts_dist_cjs/* GetCallerIdentityCommand */.zI({}));
    const source = { id: me.Account ?? '' };
    const ids = cfg.accounts.length ? cfg.accounts : [source.id];
    const others = ids.filter((a) => a !== source.id);
    if (others.length && !cfg.roleArnTemplate) {
        throw new errors/* InputError */.dz('role-name', `is needed to reach accounts ${others.join(', ')} (the credentials are for ${source.id}).`, 'set role-name (e.g. ami-promoter) or role-arn-template.');
    }
    return { source, ids, others };
}
/**
 * Every account promote acts in: the caller's, and each other one through AssumeRole (the keys are
 * masked). `roleArnTemplate` is needed only when there are others (callerAccounts checks it).
 */
async function assumeRoles(io, sts, source, others, roleArnTemplate) {
    const accounts = new Map([[source.id, source]]);
    if (!others.length)
        return accounts;
    if (!roleArnTemplate)
        throw new Error('assumeRoles: other accounts need a role ARN template');
    const session = `ami-bakery-promote-${io.env.GITHUB_RUN_ID ?? process.pid}`.slice(0, 64);
    for (const a of others) {
        const arn = roleArnTemplate.replace('{account}', a);
        let r;
        try {
            r = await sts.send(new client_sts_dist_cjs/* AssumeRoleCommand */.QL({ RoleArn: arn, RoleSessionName: session, DurationSeconds: 3600 }));
        }
        catch (e) {
            throw new errors/* InputError */.dz('role-name', `cannot assume ${arn}: ${(0,aws_tags/* awsErrorName */.ZH)(e)} ${(0,errors/* messageOf */.bD)(e)}.`, `let ${source.id} assume that role (trust policy), see docs/iam.md.`);
        }
        const c = r.Credentials;
        for (const s of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken])
            if (s)
                io.setSecret(s);
        accounts.set(a, {
            id: a,
            credentials: {
                accessKeyId: c.AccessKeyId,
                secretAccessKey: c.SecretAccessKey,
                sessionToken: c.SessionToken,
                expiration: c.Expiration,
            },
        });
    }
    return accounts;
}
/** Deregister an image and delete its snapshots (a failed copy, so the next run copies again). */
async function removeImage(ec2, img) {
    await ec2.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: img.ImageId }));
    for (const s of (0,aws_tags/* snapshotIdsOf */.Qt)(img)) {
        try {
            await ec2.send(new dist_cjs/* DeleteSnapshotCommand */.tZN({ SnapshotId: s }));
        }
        catch (e) {
            if (!(0,aws_tags/* isAwsError */.m_)(e, /InvalidSnapshot\.NotFound/))
                throw e;
        }
    }
}
/** Add or remove launch permission and snapshot create-volume permission on the source, for copying. */
async function shareSource(ec2, amiId, snapshots, accounts, op) {
    const perms = accounts.map((UserId) => ({ UserId }));
    await ec2.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({
        ImageId: amiId,
        LaunchPermission: op === 'add' ? { Add: perms } : { Remove: perms },
    }));
    for (const s of snapshots) {
        await ec2.send(new dist_cjs/* ModifySnapshotAttributeCommand */.KD0({
            SnapshotId: s,
            Attribute: 'createVolumePermission',
            OperationType: op,
            UserIds: accounts,
        }));
    }
}

// EXTERNAL MODULE: ./action-promote/src/plan.ts + 1 modules
var plan = __webpack_require__(3574);
;// CONCATENATED MODULE: ./action-promote/src/copy.ts
/**
 * The copy fan-out: every planned destination copied (or reused) in parallel, as many at a time as
 * each destination account × region has snapshot copy slots, each ending in a typed DestResult. A
 * destination's failure is its result, never a throw.
 */





/**
 * Copy slots per destination account × region, counted as EBS counts them: an AMI copy holds one
 * slot per snapshot from CopyImage until it is available (quota "Concurrent snapshot copies per
 * destination Region", 20, not adjustable per the EBS quotas page). Waiters are served in order, so a 4-volume copy is not
 * starved by 1-volume ones; a copy needing more than the quota runs alone. `maxCopies` optionally
 * caps the AMI copies in flight per key as well (max-concurrency).
 */
class SlotScheduler {
    slots;
    maxCopies;
    used = new Map();
    queues = new Map();
    /** the most slots held at once, per key */
    peak = new Map();
    constructor(slots, maxCopies = Number.POSITIVE_INFINITY) {
        this.slots = slots;
        this.maxCopies = maxCopies;
    }
    fits(key, n) {
        const u = this.used.get(key) ?? { slots: 0, copies: 0 };
        return u.copies === 0 || (u.slots + n <= this.slots && u.copies < this.maxCopies);
    }
    take(key, n) {
        const u = this.used.get(key) ?? { slots: 0, copies: 0 };
        u.slots += n;
        u.copies++;
        this.used.set(key, u);
        this.peak.set(key, Math.max(this.peak.get(key) ?? 0, u.slots));
    }
    /** Wait for `want` slots of `key` (at most the quota); resolves with the release function. */
    async acquire(key, want) {
        const n = Math.max(1, Math.min(want, this.slots));
        const q = this.queues.get(key) ?? [];
        this.queues.set(key, q);
        if (q.length || !this.fits(key, n))
            await new Promise((wake) => q.push({ n, wake }));
        else
            this.take(key, n);
        let released = false;
        return () => {
            if (released)
                return;
            released = true;
            const u = this.used.get(key);
            u.slots -= n;
            u.copies--;
            while (q.length && this.fits(key, q[0].n)) {
                const next = q.shift();
                this.take(key, next.n);
                next.wake();
            }
        };
    }
}
const jitter = (ms) => Math.round(ms * (0.5 + Math.random()));
/**
 * What every source of one run shares: the snapshot slots of each destination account × region
 * (summed over every AMI, architecture and volume) and one CopyWatcher per account × region, so a
 * look at copy progress serves the copies of every source there.
 */
class CopyPool {
    io;
    copySlots;
    scheduler;
    watchers = new Map();
    constructor(io, copySlots, maxConcurrency) {
        this.io = io;
        this.copySlots = copySlots;
        this.scheduler = new SlotScheduler(copySlots, maxConcurrency);
    }
    watcher(label, ec2) {
        const w = this.watchers.get(label) ?? new CopyWatcher(this.io, ec2);
        this.watchers.set(label, w);
        return w;
    }
    /** the peak slots and the looks, once for the run */
    logFigures() {
        const peak = Math.max(0, ...this.scheduler.peak.values());
        if (!peak)
            return;
        const sum = (f) => [...this.watchers.values()].reduce((n, w) => n + f(w), 0);
        const looks = sum((w) => w.looks);
        const pairs = this.watchers.size;
        this.io.info(`Copies: at most ${peak} of ${this.copySlots} snapshot slots held per account × region; ${looks} look${looks === 1 ? '' : 's'} at copy progress over ${pairs} account × region pair${pairs === 1 ? '' : 's'} (${sum((w) => w.imageCalls)} DescribeImages, ${sum((w) => w.snapshotCalls)} DescribeSnapshots).`);
    }
}
/**
 * Copy (or wait for, or reuse) every destination of one source, taking slots and watchers from the
 * run's pool. Broken copies left by earlier runs are removed first. `stop` ends waiting (cancel or
 * deadline); `cancel` tells the two apart in messages.
 */
async function copyAll(io, clients, accounts, plan, brokenCopies, job, pool, stop, cancel) {
    const { scheduler } = pool;
    // every copy of this source takes one slot per snapshot of it, in its destination account × region
    const slots = Math.max(1, (0,aws_tags/* snapshotIdsOf */.Qt)(job.source).length);
    // stage mode returns once a copy has started, but its slots stay held until it is available, so
    // copies queued behind it start when AWS has room; what is still watched when all have started is let go
    const background = new AbortController();
    const results = await Promise.all(plan.map(async (d) => {
        const t0 = Date.now();
        const ec2 = clients.ec2(accounts.get(d.account), d.region);
        const label = `${d.account}/${d.region}`;
        const result = (outcome, imageId, error) => ({
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
            if (d.state === 'source' || d.state === 'exists')
                return result('reused', d.imageId);
            if (stop.aborted)
                throw new Error('stopped before copying');
            const release = await scheduler.acquire(label, slots);
            let imageId = d.imageId;
            try {
                if (d.state === 'copy') {
                    if (stop.aborted)
                        throw new Error('stopped before copying');
                    imageId = await copyWithQueue(io, ec2, label, copyInput(job, d), stop);
                    io.info(`${label}: copying as ${imageId} (${slots} snapshot slot${slots === 1 ? '' : 's'})`);
                }
            }
            catch (e) {
                release();
                throw e;
            }
            const done = pool
                .watcher(label, ec2)
                .wait(label, imageId, job.wait === false ? AbortSignal.any([stop, background.signal]) : stop);
            if (job.wait === false)
                done.then(release, release);
            else
                await done.finally(release);
            return result(d.state === 'copy' ? 'copied' : 'reused', imageId);
        }
        catch (e) {
            const msg = stop.aborted && !cancel?.aborted && Date.now() >= job.deadline - 50
                ? `the deadline (${job.deadlineMs < 60_000 ? `${Math.round(job.deadlineMs / 1000)} s` : `${Math.round(job.deadlineMs / 60_000)} min`}) ran out: ${(0,errors/* messageOf */.bD)(e)}`
                : (0,errors/* messageOf */.bD)(e);
            io.warning(`${label}: ${msg}`);
            return result('failed', d.imageId, msg.slice(0, 300));
        }
    }));
    background.abort();
    return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}
// The token makes the SDK's own retries of one CopyImage safe. Across runs, earlier copies are
// found by their source tag instead: a token reused after a failed copy would return that copy.
function copyInput(job, d) {
    const { source } = job;
    return {
        SourceImageId: job.amiId,
        SourceRegion: job.sourceRegion,
        Name: job.name,
        Description: `${source.Description ?? source.Name ?? job.amiId} (golden copy of ${job.amiId} from ${job.sourceRegion})`.slice(0, 255),
        Encrypted: job.encrypt || undefined,
        KmsKeyId: d.kmsKeyId,
        ClientToken: (0,plan/* clientToken */.$Y)(job.amiId, d.account, d.region, job.runNonce),
        SnapshotCopyCompletionDurationMinutes: job.copyCompletionMinutes,
        TagSpecifications: [
            { ResourceType: 'image', Tags: (0,aws_tags/* toAwsTags */.Ez)(job.tags) },
            { ResourceType: 'snapshot', Tags: (0,aws_tags/* toAwsTags */.Ez)(job.tags) },
        ],
    };
}
/**
 * CopyImage. ResourceLimitExceeded means the destination's snapshot copy slots are taken (by
 * another run, or copies started outside promote): wait, with jitter, and try again until `stop`
 * (the deadline or a cancel), never failing before it.
 */
async function copyWithQueue(io, ec2, label, input, stop) {
    let wait = 1000;
    for (let attempt = 1;; attempt++) {
        try {
            const r = await ec2.send(new dist_cjs/* CopyImageCommand */.SDF(input));
            return r.ImageId;
        }
        catch (e) {
            if (!(0,aws_tags/* isAwsError */.m_)(e, 'ResourceLimitExceeded') || stop.aborted)
                throw e;
            if (attempt === 1)
                io.info(`${label}: the account's concurrent snapshot copy quota is taken (ResourceLimitExceeded); waiting for room`);
            await abortableSleep(jitter(wait), stop);
            wait = Math.min(wait * 2, 30_000);
        }
    }
}
const abortableSleep = (ms, signal) => new Promise((r) => {
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
function nextPollMs(elapsedMs, progressPct, fallbackMs) {
    const floor = Math.max(100, elapsedMs * 0.02);
    // Snapshots complete, image still pending: registration is moments away.
    if (progressPct !== undefined && progressPct >= 100)
        return floor;
    if (!progressPct || progressPct <= 0)
        return fallbackMs;
    const remaining = (elapsedMs * (100 - progressPct)) / progressPct;
    if (progressPct >= 50)
        return Math.round(Math.max(floor, Math.min(15_000, remaining + floor)));
    return Math.round(Math.max(floor, Math.min(15_000, remaining * 0.9, Math.max(elapsedMs, 250))));
}
/**
 * When the watcher looks next: the soonest copy's time, or the latest of those due within half the
 * wait after it, so copies started moments apart (several sources) end in one look, not one each.
 */
function nextLookAt(dues, now) {
    const first = Math.min(...dues);
    const window = Math.max(50, 0.5 * (first - now));
    return Math.max(...dues.filter((d) => d <= first + window));
}
const chunks = (xs, n) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
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
class CopyWatcher {
    io;
    ec2;
    waiting = new Map();
    looping = false;
    wake;
    /** looks made, and the calls they made */
    looks = 0;
    imageCalls = 0;
    snapshotCalls = 0;
    constructor(io, ec2) {
        this.io = io;
        this.ec2 = ec2;
    }
    wait(label, imageId, signal) {
        return new Promise((resolve, reject) => {
            const onAbort = () => {
                if (!this.waiting.delete(imageId))
                    return;
                reject(new Error(`stopped while ${imageId} was copying (it continues in AWS; a re-run picks it up)`));
                if (!this.waiting.size)
                    this.wake?.();
            };
            if (signal?.aborted)
                return onAbort();
            signal?.addEventListener('abort', onAbort, { once: true });
            const done = (f) => (...a) => {
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
            if (!this.looping)
                void this.loop();
        });
    }
    async nap(ms) {
        await new Promise((r) => {
            const t = setTimeout(r, ms);
            this.wake = () => {
                clearTimeout(t);
                r();
            };
        });
        this.wake = undefined;
    }
    async loop() {
        this.looping = true;
        let throttled = 1000;
        try {
            while (this.waiting.size) {
                const next = nextLookAt([...this.waiting.values()].map((w) => w.due), Date.now());
                if (next > Date.now()) {
                    await this.nap(next - Date.now());
                    continue;
                }
                try {
                    await this.look();
                    throttled = 1000;
                }
                catch (e) {
                    if ((0,aws_tags/* isAwsError */.m_)(e, 'RequestLimitExceeded') || (0,aws_tags/* isAwsError */.m_)(e, 'Throttling')) {
                        await this.nap(jitter(throttled));
                        throttled = Math.min(throttled * 2, 30_000);
                        continue;
                    }
                    for (const w of this.waiting.values())
                        w.reject(new Error(`waiting for ${w.imageId}: ${(0,errors/* messageOf */.bD)(e)}`));
                    this.waiting.clear();
                }
            }
        }
        finally {
            this.looping = false;
        }
    }
    /** The snapshots' progress and state, 200 ids a DescribeSnapshots. */
    async progressOf(ids, into) {
        for (const part of chunks(ids, 200)) {
            this.snapshotCalls++;
            const r = await this.ec2.send(new dist_cjs/* DescribeSnapshotsCommand */.MmI({ Filters: [{ Name: 'snapshot-id', Values: part }] }));
            for (const x of r.Snapshots ?? [])
                into.set(x.SnapshotId, { pct: x.Progress ?? '0%', state: x.State });
        }
    }
    async look() {
        this.looks++;
        const now = Date.now();
        // 1. the progress of every copy whose snapshots are known: one DescribeSnapshots for all of them
        const progress = new Map();
        // (not of those expected done by now: the image is asked for first, and is usually available)
        const snaps = [...this.waiting.values()].filter((w) => !w.expectDone).flatMap((w) => w.snapshots);
        await this.progressOf(snaps, progress);
        // 2. the image only when it may have changed: its snapshots not known yet, complete, failed or
        // gone, or not asked for in a minute (an image cannot be available while its snapshots copy)
        const ask = [...this.waiting.values()].filter((w) => w.expectDone ||
            !w.snapshots.length ||
            w.snapshots.some((id) => progress.get(id)?.state !== 'pending') ||
            now - w.imageAskedAt >= 60_000);
        const images = new Map();
        for (const part of chunks(ask.map((w) => w.imageId), 200)) {
            this.imageCalls++;
            const r = await this.ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ Filters: [{ Name: 'image-id', Values: part }] }));
            for (const img of r.Images ?? [])
                images.set(img.ImageId, img);
        }
        const pending = [];
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
            }
            else if (img && img.State !== 'pending') {
                // A failed copy never recovers: remove it (and its snapshots) so a re-run copies afresh.
                this.waiting.delete(id);
                await removeImage(this.ec2, img).then(() => w.reject(new Error(`copy ${id} ended ${img.State}${img.StateReason?.Message ? ` (${img.StateReason.Message})` : ''}; it was deregistered with its snapshots, and a re-run copies again`)), (e) => w.reject(new Error(`copy ${id} ended ${img.State}, and removing it failed: ${(0,errors/* messageOf */.bD)(e)}`)));
            }
            else {
                w.snapshots = img ? (0,aws_tags/* snapshotIdsOf */.Qt)(img) : [];
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
                .filter((p) => p !== undefined);
            const pct = values.length ? Math.min(...values.map((p) => Number.parseFloat(p) || 0)) : undefined;
            const shown = values.join(', ');
            if (shown && shown !== w.lastProgress)
                this.io.info(`${w.label}: ${w.imageId} ${shown}`);
            w.lastProgress = shown;
            w.due = Date.now() + nextPollMs(Date.now() - w.t0, pct, w.fallback);
            // from half-way the next look is timed just after the estimate (nextPollMs)
            w.expectDone = pct !== undefined && pct >= 50;
            w.fallback = Math.min(Math.round(w.fallback * 1.5), 10_000);
        }
    }
}

;// CONCATENATED MODULE: ./action-promote/src/publish.ts
/**
 * Publishing: once every destination holds an available copy, tag them golden, share, set
 * deprecation and the SSM parameter, retire old images of the family; with encrypt, close the
 * temporary share of the build AMI and record it as promoted. Idempotent.
 */






/**
 * Every destination of every source published, in two rounds so that "golden" is true only where
 * it was done, and for all sources or none: first each copy's shares, deregistration protection and
 * deprecation; only when all of those succeeded, per account × region the golden tags (one
 * CreateTags for every copy there that needs the same tags: CopyImage gave them their provenance
 * already), then each copy's SSM parameter (marked on the result as done), then retention.
 * A failure is marked on its result with the step that failed.
 */
async function publishAll(clients, accounts, sets) {
    const items = sets.flatMap((set) => set.results.map((r) => ({ set, r, label: `${r.account}/${r.region}` })));
    const fail = (x, e) => {
        x.r.outcome = 'failed';
        x.r.error = (0,errors/* messageOf */.bD)(e).slice(0, 300);
        x.set.io.warning(`${x.label}: ${x.r.error}`);
    };
    const ec2Of = (r) => clients.ec2(accounts.get(r.account), r.region);
    await Promise.all(items.map((x) => x.r.outcome === 'failed'
        ? undefined
        : prepare(x.set.cfg, ec2Of(x.r), x.r.imageId).catch((e) => fail(x, e))));
    if (items.some((x) => x.r.outcome === 'failed'))
        return;
    const byKey = new Map();
    for (const x of items)
        byKey.set(x.label, [...(byKey.get(x.label) ?? []), x]);
    await Promise.all([...byKey.values()].map(async (here) => {
        const { r } = here[0];
        try {
            await tagGolden(ec2Of(r), here.map((x) => ({ r: x.r, tags: x.set.goldenTags })));
        }
        catch (e) {
            for (const x of here)
                fail(x, e);
            return;
        }
        await Promise.all(here.map(async (x) => {
            const { cfg, io, family } = x.set;
            try {
                await publishParameter(io, cfg, clients.ssm(accounts.get(x.r.account), x.r.region), x.label, x.r);
                x.r.retired = cfg.retain
                    ? await retire(io, ec2Of(x.r), x.label, family, cfg.retain, x.r.imageId, cfg.architecture)
                    : 0;
            }
            catch (e) {
                fail(x, e);
            }
        }));
    }));
}
/**
 * After an encrypted promote: the temporary share for copying ends (the build AMI stays private),
 * and the build AMI is tagged promoted (never golden) so retention retires old ones too.
 * Returns how many old build AMIs were retired.
 */
async function closeBuildAmi(io, cfg, srcEc2, label, copiers, sourceSnapshots, family) {
    // Every launch permission the build AMI has, whichever run granted it (a stage run shares it for
    // copying, the publish run may copy nothing): the unencrypted build AMI ends shared with nobody.
    const attr = await srcEc2.send(new dist_cjs/* DescribeImageAttributeCommand */.OkE({ ImageId: cfg.amiId, Attribute: 'launchPermission' }));
    const perms = attr.LaunchPermissions ?? [];
    const accounts = [...new Set([...copiers, ...perms.flatMap((p) => (p.UserId ? [p.UserId] : []))])].sort();
    if (accounts.length) {
        await shareSource(srcEc2, cfg.amiId, sourceSnapshots, accounts, 'remove');
    }
    const others = perms.filter((p) => !p.UserId);
    if (others.length)
        await srcEc2.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({ ImageId: cfg.amiId, LaunchPermission: { Remove: others } }));
    if (accounts.length || others.length)
        io.info(`Removed the share of ${cfg.amiId} with ${[...accounts, ...others.map((p) => p.Group ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? '?')].join(', ')}: the build AMI is not shared.`);
    await srcEc2.send(new dist_cjs/* CreateTagsCommand */.RmG({
        Resources: [cfg.amiId, ...sourceSnapshots],
        Tags: (0,aws_tags/* toAwsTags */.Ez)({ [aws_tags/* TAG */.Dk.status]: 'promoted', [aws_tags/* TAG */.Dk.family]: family }),
    }));
    if (!cfg.retain)
        return 0;
    return retire(io, srcEc2, `${label} (build AMIs)`, family, cfg.retain, cfg.amiId, cfg.architecture, 'promoted');
}
/** Launch permissions, deregistration protection, deprecation: everything but "golden". Idempotent. */
async function prepare(cfg, ec2, imageId) {
    const img = (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [imageId] }))).Images?.[0];
    const snaps = (0,aws_tags/* snapshotIdsOf */.Qt)(img);
    const s = cfg.share;
    if (s.public || s.accounts.length || s.organizations.length || s.organizationalUnits.length) {
        await ec2.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({
            ImageId: imageId,
            LaunchPermission: {
                Add: [
                    ...(s.public ? [{ Group: 'all' }] : []),
                    ...s.accounts.map((UserId) => ({ UserId })),
                    ...s.organizations.map((OrganizationArn) => ({ OrganizationArn })),
                    ...s.organizationalUnits.map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
                ],
            },
        }));
        if (s.accounts.length) {
            for (const snap of snaps)
                await ec2.send(new dist_cjs/* ModifySnapshotAttributeCommand */.KD0({
                    SnapshotId: snap,
                    Attribute: 'createVolumePermission',
                    OperationType: 'add',
                    UserIds: s.accounts,
                }));
        }
    }
    if (cfg.deregistrationProtection && !img?.DeregistrationProtection?.startsWith('enabled'))
        await ec2.send(new dist_cjs/* EnableImageDeregistrationProtectionCommand */.BxO({ ImageId: imageId, WithCooldown: true }));
    if (cfg.deprecateAfterMs) {
        await ec2.send(new dist_cjs/* EnableImageDeprecationCommand */.cJk({
            ImageId: imageId,
            DeprecateAt: new Date(Date.now() + cfg.deprecateAfterMs),
        }));
    }
}
/**
 * The golden tags of every copy in one account × region (images and their snapshots). Tags a copy
 * already carries (CopyImage's TagSpecifications gave them; moto drops those) are not written again,
 * so copies needing the same tags (on EC2: status=golden alone) share one CreateTags.
 */
async function tagGolden(ec2, copies) {
    const ids = copies.map((c) => c.r.imageId);
    const images = new Map(((await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: ids }))).Images ?? []).map((i) => [i.ImageId, i]));
    const groups = new Map();
    for (const { r, tags } of copies) {
        const img = images.get(r.imageId);
        const have = (0,aws_tags/* imageTags */.rK)(img);
        const need = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
        const key = JSON.stringify(Object.entries(need).sort());
        const g = groups.get(key) ?? { tags: need, resources: [], of: [] };
        g.resources.push(r.imageId, ...(0,aws_tags/* snapshotIdsOf */.Qt)(img));
        g.of.push(r);
        groups.set(key, g);
    }
    for (const g of groups.values()) {
        // CreateTags takes up to 1000 resources a call
        for (let i = 0; i < g.resources.length; i += 1000)
            if (Object.keys(g.tags).length)
                await ec2.send(new dist_cjs/* CreateTagsCommand */.RmG({ Resources: g.resources.slice(i, i + 1000), Tags: (0,aws_tags/* toAwsTags */.Ez)(g.tags) }));
        for (const r of g.of)
            r.golden = true;
    }
}
/** The copy's SSM parameter (marked on the result once done), and the log line that says what was done. */
async function publishParameter(io, cfg, ssm, label, r) {
    const imageId = r.imageId;
    if (cfg.ssmParameter) {
        await ssm.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
            Name: cfg.ssmParameter,
            Value: imageId,
            Type: 'String',
            DataType: 'aws:ec2:image',
            Overwrite: true,
        }));
        r.ssmUpdated = true;
    }
    io.info(`${label}: ${imageId} tagged${cfg.ssmParameter ? `, ${cfg.ssmParameter} updated` : ''}${cfg.deprecateAfterMs ? ', deprecation set' : ''}${cfg.deregistrationProtection ? ', deregistration protection on' : ''}`);
}
/**
 * Deregistration protection before retiring: lifted when on; with its cooldown, the image stays
 * protected for 24 hours more, so the reason to wait is returned (a later run retires it).
 */
async function liftProtection(ec2, imageId, state) {
    const until = /^disabled-until (.+)$/.exec(state)?.[1];
    if (until)
        return Date.parse(until) > Date.now() ? `its deregistration protection ends at ${until}` : undefined;
    if (!state.startsWith('enabled'))
        return undefined;
    const r = await ec2.send(new dist_cjs/* DisableImageDeregistrationProtectionCommand */.kUM({ ImageId: imageId }));
    if (state === 'enabled-with-cooldown')
        return `deregistration protection lifted (${r.Return ?? 'disabled'}); its 24-hour cooldown runs, a later run retires it`;
    return undefined;
}
/** Keep the newest `retain` golden images of the family; never one in use by an instance or a launch template's default version. */
async function retire(io, ec2, label, family, retain, current, 
/** retention is per architecture: an arm64 golden image never retires an x86_64 one */
arch, status = 'golden') {
    const imgs = (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({
        Owners: ['self'],
        Filters: [
            { Name: `tag:${aws_tags/* TAG */.Dk.status}`, Values: [status] },
            { Name: `tag:${aws_tags/* TAG */.Dk.family}`, Values: [family] },
            ...(arch ? [{ Name: 'architecture', Values: [arch] }] : []),
        ],
    }))).Images ?? [];
    const golden = imgs
        .filter((i) => i.State === 'available')
        .map((i) => ({
        imageId: i.ImageId,
        name: i.Name ?? '',
        creationDate: i.CreationDate ?? '',
        snapshotIds: (0,aws_tags/* snapshotIdsOf */.Qt)(i),
    }));
    const candidates = (0,plan/* retirementCandidates */.uq)(golden, retain, current);
    if (!candidates.length)
        return 0;
    const inUse = new Set();
    const running = await ec2.send(new dist_cjs/* DescribeInstancesCommand */.bNs({
        Filters: [
            { Name: 'image-id', Values: candidates.map((c) => c.imageId) },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
    }));
    for (const r of running.Reservations ?? [])
        for (const i of r.Instances ?? [])
            if (i.ImageId)
                inUse.add(i.ImageId);
    const lts = (await ec2.send(new dist_cjs/* DescribeLaunchTemplatesCommand */.fmI({}))).LaunchTemplates ?? [];
    for (const lt of lts) {
        const v = await ec2.send(new dist_cjs/* DescribeLaunchTemplateVersionsCommand */.Ptd({
            LaunchTemplateId: lt.LaunchTemplateId,
            Versions: ['$Default'],
        }));
        for (const ver of v.LaunchTemplateVersions ?? [])
            if (ver.LaunchTemplateData?.ImageId)
                inUse.add(ver.LaunchTemplateData.ImageId);
    }
    let n = 0;
    for (const c of candidates) {
        if (inUse.has(c.imageId)) {
            io.info(`${label}: keeping ${c.imageId} (${c.name}): in use by an instance or a launch template's default version`);
            continue;
        }
        const protection = imgs.find((i) => i.ImageId === c.imageId)?.DeregistrationProtection ?? 'disabled';
        const wait = await liftProtection(ec2, c.imageId, protection);
        if (wait) {
            io.info(`${label}: not retiring ${c.imageId} (${c.name}) yet: ${wait}`);
            continue;
        }
        await ec2.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: c.imageId }));
        for (const s of c.snapshotIds)
            await ec2.send(new dist_cjs/* DeleteSnapshotCommand */.tZN({ SnapshotId: s }));
        io.info(`${label}: retired ${c.imageId} (${c.name}) and ${c.snapshotIds.length} snapshot(s)`);
        n++;
    }
    return n;
}

;// CONCATENATED MODULE: ./action-promote/src/quarantine.ts
/**
 * mode: quarantine — a golden image whose re-scan failed is taken out of use in every account and
 * region promote copied it to: each copy (found by its ami-bakery:source-ami tag, like discard) is
 * deprecated now, loses the launch permissions it granted, and is tagged quarantined; the SSM
 * parameter that names it is pointed back at the newest golden image of the family that passed its
 * last scan (none: it is left, and the step says so loudly). Idempotent: a re-run finds everything
 * done and changes nothing.
 */





/** The quarantined copies of `amiId` in one account and region (the source itself where it lives). */
async function lineage(ec2, amiId, withSource) {
    const out = (await describeOwnImages(ec2, { [aws_tags/* TAG */.Dk.sourceAmi]: amiId })).filter((i) => i.ImageId !== amiId);
    const source = withSource ? await describeImage(ec2, amiId) : undefined;
    return source ? [...out, source] : out;
}
/**
 * Take one image out of use: deprecated now, no launch permissions, tagged quarantined. With
 * `dryRun`, only what would be done: nothing is changed.
 */
async function quarantineImage(ec2, img, reason, dryRun) {
    const id = img.ImageId;
    const attr = await ec2.send(new dist_cjs/* DescribeImageAttributeCommand */.OkE({ ImageId: id, Attribute: 'launchPermission' }));
    const perms = attr.LaunchPermissions ?? [];
    const tags = (0,aws_tags/* imageTags */.rK)(img);
    const deprecated = img.DeprecationTime && Date.parse(img.DeprecationTime) <= Date.now() + 5 * 60_000;
    if (tags[aws_tags/* TAG */.Dk.status] === 'quarantined' && deprecated && !perms.length)
        return { done: false, unshared: [] };
    const unshared = perms.map((p) => p.UserId ?? p.Group ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? '?');
    if (dryRun)
        return { done: true, unshared };
    if (perms.length)
        await ec2.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({ ImageId: id, LaunchPermission: { Remove: perms } }));
    if (!deprecated)
        await ec2.send(
        // EC2 takes the minute; a time a little ahead is never "in the past" by the time it arrives
        new dist_cjs/* EnableImageDeprecationCommand */.cJk({ ImageId: id, DeprecateAt: new Date(Date.now() + 60_000) }));
    await ec2.send(new dist_cjs/* CreateTagsCommand */.RmG({
        Resources: [id],
        Tags: (0,aws_tags/* toAwsTags */.Ez)({
            [aws_tags/* TAG */.Dk.status]: 'quarantined',
            [aws_tags/* TAG */.Dk.vulnerable]: 'true',
            [aws_tags/* TAG */.Dk.vulnerableSince]: tags[aws_tags/* TAG */.Dk.vulnerableSince] ?? new Date().toISOString().slice(0, 10),
            [aws_tags/* TAG */.Dk.vulnerableReason]: (tags[aws_tags/* TAG */.Dk.vulnerableReason] ?? reason).slice(0, 255),
        }),
    }));
    return { done: true, unshared };
}
/** The family's golden images in one account and region. */
async function familyGolden(ec2, family, arch) {
    if (!family)
        return [];
    // roll back within the architecture: an arm64 parameter never points at an x86_64 image
    const golden = await describeOwnImages(ec2, { [aws_tags/* TAG */.Dk.status]: 'golden', [aws_tags/* TAG */.Dk.family]: family });
    return golden.filter((i) => !arch || i.Architecture === arch);
}
/** The SSM parameter: pointed back from a quarantined image to the newest passing golden one. */
async function rollBackParameter(io, label, ssm, name, quarantined, family, target, dryRun) {
    let current;
    try {
        current = (await ssm.send(new client_ssm_dist_cjs/* GetParameterCommand */.lhy({ Name: name }))).Parameter?.Value;
    }
    catch (e) {
        if (!(0,aws_tags/* isAwsError */.m_)(e, 'ParameterNotFound'))
            throw e;
        return { name, action: 'absent', note: `${name} does not exist here` };
    }
    if (!current || !quarantined.has(current))
        return {
            name,
            action: 'unchanged',
            from: current,
            note: `${name} names ${current}, not a quarantined image`,
        };
    if (!target) {
        io.warning(`${label}: ${name} still names the quarantined image ${current}: no golden image of family ${family ?? '(none)'} passed its last scan here to roll back to. Launches from it use a vulnerable image until a new golden image is published.`);
        return {
            name,
            action: 'left',
            from: current,
            note: `left at ${current}: no passing golden image to roll back to`,
        };
    }
    if (dryRun)
        return {
            name,
            action: 'rolled-back',
            from: current,
            to: target.ImageId,
            note: `dry-run: would roll back from ${current} to ${target.ImageId} (${target.Name ?? ''})`,
        };
    await ssm.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
        Name: name,
        Value: target.ImageId,
        Type: 'String',
        DataType: 'aws:ec2:image',
        Overwrite: true,
    }));
    return {
        name,
        action: 'rolled-back',
        from: current,
        to: target.ImageId,
        note: `rolled back from ${current} to ${target.ImageId} (${target.Name ?? ''})`,
    };
}
/**
 * Every copy of `buildAmi` (the image bake made; the copies name it in ami-bakery:source-ami) in every
 * account and region, and the build AMI itself in `buildRegion`.
 */
async function quarantineCopies(io, cfg, clients, accounts, accountIds, build) {
    const reason = `quarantined by ami-bakery promote on ${new Date().toISOString().slice(0, 10)}: a re-scan failed its gate`;
    const results = await Promise.all(accountIds.flatMap((a) => cfg.regions.map(async (region) => {
        const label = `${a}/${region}`;
        const ec2 = clients.ec2(accounts.get(a), region);
        const images = await lineage(ec2, build.amiId, a === build.account && region === build.region);
        const out = { account: a, region, quarantined: [], already: [], unshared: [] };
        for (const img of images) {
            const r = await quarantineImage(ec2, img, reason, cfg.dryRun);
            (r.done ? out.quarantined : out.already).push(img.ImageId);
            out.unshared.push(...r.unshared);
            const verb = cfg.dryRun ? 'would be quarantined' : 'quarantined';
            io.info(`${label}: ${img.ImageId} ${r.done ? `${verb} (deprecated now${r.unshared.length ? `, launch permissions removed: ${r.unshared.join(', ')}` : ''})` : 'already quarantined'}`);
        }
        const family = images.map((i) => (0,aws_tags/* imageTags */.rK)(i)[aws_tags/* TAG */.Dk.family]).find(Boolean);
        const ids = new Set(images.map((i) => i.ImageId));
        const arch = images.map((i) => i.Architecture).find(Boolean);
        const target = (0,plan/* rollbackTarget */.es)(await familyGolden(ec2, family, arch), ids);
        if (target?.ImageId)
            out.rollbackTo = target.ImageId;
        if (cfg.ssmParameter) {
            out.ssm = await rollBackParameter(io, label, clients.ssm(accounts.get(a), region), (0,plan/* archParameter */.QF)(cfg.ssmParameter, arch), ids, family, target, cfg.dryRun);
            io.info(`${label}: ${out.ssm.note}`);
        }
        return out;
    })));
    return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}

;// CONCATENATED MODULE: ./action-promote/src/rollout.ts
/**
 * Roll out: each launch template named in `launch-templates` gets a new version whose ImageId is the
 * golden copy of its account and region (source version: the default), made the default version
 * when `launch-template-default` says so. Quarantine's rollback uses the same step with the image
 * it rolls back to. Idempotent: a template whose latest (or, with default, default) version already
 * launches that image gets no new version.
 */




const which = (ref) => ref.id ? { LaunchTemplateId: ref.id } : { LaunchTemplateName: ref.name };
/** Every launch template exists (read-only, before any change): a missing one is bad input. */
async function checkLaunchTemplates(clients, accounts, refs, arch) {
    const wrongArch = [];
    for (const ref of refs) {
        const ec2 = clients.ec2(accounts.get(ref.account), ref.region);
        let instanceType;
        try {
            const v = await ec2.send(new dist_cjs/* DescribeLaunchTemplateVersionsCommand */.Ptd({ ...which(ref), Versions: ['$Default'] }));
            instanceType = v.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.InstanceType;
        }
        catch (e) {
            if ((0,aws_tags/* isAwsError */.m_)(e, /^InvalidLaunchTemplate(Id|Name)\.NotFound/))
                throw new errors/* InputError */.dz('launch-templates', `${ref.raw}: no such launch template in ${ref.account}/${ref.region}.`, 'check the id or name, the account and the region.');
            throw e;
        }
        // an image of another architecture would make every launch from the template fail
        if (arch && instanceType) {
            const t = await ec2.send(new dist_cjs/* DescribeInstanceTypesCommand */.hkU({ InstanceTypes: [instanceType] }));
            const supported = t.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
            if (!supported.includes(arch))
                wrongArch.push(`${ref.raw} launches ${instanceType} (${supported.join(', ') || 'architecture unknown'})`);
        }
    }
    if (wrongArch.length)
        throw new errors/* InputError */.dz('launch-templates', `the image is ${arch}, and ${wrongArch.join('; ')}: its instances could not start from it.`, 'list the launch templates of this architecture (one promote run per architecture).');
}
async function rollOut(ec2, ref, imageId, setDefault, description) {
    const v = await ec2.send(new dist_cjs/* DescribeLaunchTemplateVersionsCommand */.Ptd({ ...which(ref), Versions: ['$Latest', '$Default'] }));
    const versions = v.LaunchTemplateVersions ?? [];
    const def = versions.find((x) => x.DefaultVersion);
    const latest = [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
    // a version that already launches the image: the default one first when it is to be the default
    const launching = (v) => (v?.LaunchTemplateData?.ImageId === imageId ? v : undefined);
    const reuse = (setDefault ? launching(def) : undefined) ?? launching(latest);
    let version = reuse?.VersionNumber;
    let created = false;
    if (!version) {
        const r = await ec2.send(new dist_cjs/* CreateLaunchTemplateVersionCommand */.B_$({
            ...which(ref),
            SourceVersion: '$Default',
            VersionDescription: description.slice(0, 255),
            LaunchTemplateData: { ImageId: imageId },
        }));
        version = r.LaunchTemplateVersion?.VersionNumber ?? 0;
        created = true;
    }
    let isDefault = def?.VersionNumber === version;
    if (setDefault && !isDefault) {
        await ec2.send(new dist_cjs/* ModifyLaunchTemplateCommand */.ddr({ ...which(ref), DefaultVersion: String(version) }));
        isDefault = true;
    }
    return { version, created, isDefault, ltId: (def ?? latest)?.LaunchTemplateId };
}
/**
 * Instance refresh of every Auto Scaling group that launches from the template: a group that follows
 * $Default or $Latest is refreshed as it is; one pinned to a version number is refreshed to the new
 * version (its desired configuration). A refresh already running is left to finish.
 */
async function refreshGroups(asg, ltId, version, minHealthy) {
    const out = [];
    for await (const page of (0,client_auto_scaling_dist_cjs/* paginateDescribeAutoScalingGroups */.ZJr)({ client: asg }, {})) {
        for (const g of page.AutoScalingGroups ?? []) {
            const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
            if (!spec || spec.LaunchTemplateId !== ltId)
                continue;
            const pinned = spec.Version && /^\d+$/.test(spec.Version);
            try {
                const r = await asg.send(new client_auto_scaling_dist_cjs/* StartInstanceRefreshCommand */.Wkp({
                    AutoScalingGroupName: g.AutoScalingGroupName,
                    Preferences: { MinHealthyPercentage: minHealthy },
                    ...(pinned
                        ? {
                            DesiredConfiguration: {
                                LaunchTemplate: { LaunchTemplateId: ltId, Version: String(version) },
                            },
                        }
                        : {}),
                }));
                out.push({
                    group: g.AutoScalingGroupName,
                    id: r.InstanceRefreshId,
                    note: `refresh ${r.InstanceRefreshId} started`,
                });
            }
            catch (e) {
                if (!(0,aws_tags/* isAwsError */.m_)(e, /^InstanceRefreshInProgress/))
                    throw e;
                out.push({ group: g.AutoScalingGroupName, note: 'a refresh is already in progress' });
            }
        }
    }
    return out;
}
/** Each launch template to the image of its account and region (`images`: "account/region" → AMI id). */
async function rollOutAll(io, cfg, clients, accounts, images, description) {
    const out = [];
    for (const ref of cfg.launchTemplates) {
        const label = `${ref.account}/${ref.region}`;
        const imageId = images.get(label);
        const base = {
            account: ref.account,
            region: ref.region,
            launchTemplate: ref.id ?? ref.name ?? ref.raw,
            imageId: imageId ?? '',
        };
        if (!imageId) {
            io.warning(`${label}: ${ref.raw} not updated: there is no image to roll out there.`);
            out.push({ ...base, created: false, isDefault: false, error: 'no image in this account and region' });
            continue;
        }
        try {
            const { ltId, ...r } = await rollOut(clients.ec2(accounts.get(ref.account), ref.region), ref, imageId, cfg.launchTemplateDefault, description);
            const refreshes = cfg.instanceRefresh && ltId
                ? await refreshGroups(clients.autoScaling(accounts.get(ref.account), ref.region), ltId, r.version, cfg.minHealthyPercentage)
                : undefined;
            out.push({ ...base, ...r, ...(refreshes ? { refreshes } : {}) });
            for (const f of refreshes ?? [])
                io.info(`${label}: Auto Scaling group ${f.group}: ${f.note}`);
            if (refreshes && !refreshes.length)
                io.info(`${label}: no Auto Scaling group launches from ${base.launchTemplate}`);
            io.info(`${label}: launch template ${base.launchTemplate} version ${r.version} ${r.created ? 'created' : 'already'} launches ${imageId}${r.isDefault ? ' (default)' : ''}`);
        }
        catch (e) {
            out.push({ ...base, created: false, isDefault: false, error: (0,errors/* messageOf */.bD)(e) });
            io.warning(`${label}: launch template ${base.launchTemplate} not updated: ${(0,errors/* messageOf */.bD)(e)}`);
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./action-promote/src/fanout.ts
/**
 * action-promote's AWS work (loaded after the inputs are validated), as steps that return typed
 * results: the accounts, the source and its gate, the destination plan, the copy fan-out, publishing.
 * promote.ts turns the PromoteResult into outputs and the summary.
 */













/** Every source of the run (one, or a family's architectures), one result each, in the order given. */
async function promoteWith(io, cfg, signal) {
    const clients = new Clients();
    try {
        return await promote(io, cfg, clients, signal);
    }
    finally {
        clients.destroy();
    }
}
const nothingYet = (cfg) => ({
    mode: cfg.mode,
    amiId: cfg.amiId,
    name: '',
    dryRun: cfg.dryRun,
    swept: 0,
    discarded: [],
    quarantined: [],
    rollout: [],
    results: [],
    buildRetired: 0,
    plan: [],
});
/** The same Io, its log lines (info, warning) led by `[prefix]`. */
function prefixedIo(io, prefix) {
    const out = Object.create(io);
    out.info = (m) => io.info(`[${prefix}] ${m}`);
    out.warning = (m) => io.warning(`[${prefix}] ${m}`);
    return out;
}
async function promote(io, cfg, clients, signal) {
    const sts = clients.sts(cfg.sourceRegion);
    const { source: sourceAccount, ids: accountIds, others } = await callerAccounts(sts, cfg);
    const configs = cfg.amiIds.map((amiId) => ({ ...cfg, amiId }));
    const several = configs.length > 1;
    if (cfg.mode === 'discard') {
        const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
        return Promise.all(configs.map(async (c) => ({
            ...nothingYet(c),
            discarded: await discardCandidates(io, c, clients, accounts, accountIds, sourceAccount),
        })));
    }
    if (cfg.mode === 'quarantine') {
        // one image only (readConfig)
        const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
        return [
            {
                ...nothingYet(cfg),
                ...(await quarantineMode(io, cfg, clients, accounts, accountIds, sourceAccount)),
            },
        ];
    }
    // Every source read and gated, its copies named and tagged: nothing has changed yet, for any of them.
    const srcEc2 = clients.ec2(sourceAccount, cfg.sourceRegion);
    const sources = await readSources(io, configs, srcEc2, sourceAccount.id, accountIds);
    const accounts = await assumeRoles(io, sts, sourceAccount, others, cfg.roleArnTemplate);
    if (cfg.share.public)
        await checkBlockPublicAccess(cfg, clients, accounts, accountIds);
    // launch templates come with one source only (readConfig)
    await checkRollout(sources[0].cfg, clients, accounts, accountIds);
    const plans = await planDestinations(cfg, sources.map((s) => ({ amiId: s.cfg.amiId, name: s.name })), clients, accounts, accountIds, sourceAccount.id);
    for (const [i, s] of sources.entries())
        logPlan(s.io, s.cfg.amiId, s.name, plans[i].plan, plans[i].broken);
    io.setOutput('plan', JSON.stringify(several
        ? plans.flatMap((p, i) => p.plan.map((d) => ({ source: sources[i].cfg.amiId, ...d })))
        : plans[0].plan));
    const described = (s, i) => ({
        ...nothingYet(s.cfg),
        architecture: s.cfg.architecture,
        ssmParameter: s.cfg.ssmParameter,
        name: s.name,
        plan: plans[i].plan,
    });
    if (cfg.dryRun) {
        io.info('dry-run: nothing was changed.');
        return sources.map((s, i) => ({ ...described(s, i), dryRun: true }));
    }
    // From here on AWS changes. Every source's copies share the slots and the looks at progress.
    const pool = new CopyPool(io, cfg.copySlots, cfg.maxConcurrency);
    const copied = await Promise.allSettled(sources.map((s, i) => copySource(s, plans[i], clients, accounts, accountIds, sourceAccount, srcEc2, pool, signal)));
    pool.logFigures();
    if (!several && copied[0].status === 'rejected')
        throw copied[0].reason;
    // Every destination of every source available: now, and only now, the copies become golden; a
    // family's architectures become golden together, or (a re-run resumes) none of them does
    const ready = cfg.mode !== 'stage' &&
        copied.every((c) => c.status === 'fulfilled' && !c.value.results.some((r) => r.outcome === 'failed'));
    if (several && cfg.mode !== 'stage' && !ready)
        io.warning('Not every copy of every source is available: none is tagged golden or published (a re-run resumes).');
    const published = await Promise.allSettled(ready
        ? [
            publishAll(clients, accounts, copied.map((c, i) => ({
                cfg: sources[i].cfg,
                io: sources[i].io,
                results: c.value.results,
                family: sources[i].family,
                goldenTags: { ...sources[i].baseTags, [aws_tags/* TAG */.Dk.status]: 'golden' },
            }))),
        ]
        : []);
    if (published[0]?.status === 'rejected')
        throw published[0].reason;
    const finished = await Promise.allSettled(copied.map(async (c, i) => ready && c.status === 'fulfilled'
        ? finishSource(sources[i], c.value, clients, accounts, sourceAccount, srcEc2)
        : {}));
    if (!several && finished[0].status === 'rejected')
        throw finished[0].reason;
    return sources.map((s, i) => {
        const c = copied[i];
        const p = finished[i];
        if (c.status === 'rejected')
            return { ...described(s, i), error: (0,errors/* messageOf */.bD)(c.reason) };
        const { results, swept } = c.value;
        if (p.status === 'rejected')
            return { ...described(s, i), results, swept, error: (0,errors/* messageOf */.bD)(p.reason) };
        return { ...described(s, i), results, swept, ...p.value };
    });
}
/**
 * Every source: it must exist; its tags decide the gate (not when staging: the gate is publish's);
 * its copies' names and tags are checked, and with several sources, that they keep apart. Their log
 * lines are led by their architecture (or AMI id).
 */
async function readSources(io, configs, srcEc2, sourceAccountId, accountIds) {
    const several = configs.length > 1;
    const read = await Promise.allSettled(configs.map((c) => readSource(several ? prefixedIo(io, c.amiId) : io, c, srcEc2, sourceAccountId, accountIds)));
    // the first problem in the order the sources were given, whichever call answered first
    const refused = read.find((r) => r.status === 'rejected');
    if (refused)
        throw refused.reason;
    const sources = read.map((r) => r.value);
    if (!several)
        return sources;
    (0,plan/* checkSourcesApart */.zE)(sources.map((s) => ({
        amiId: s.cfg.amiId,
        name: s.name,
        family: s.family,
        architecture: s.cfg.architecture,
        ssmParameter: s.cfg.ssmParameter,
    })));
    const archs = sources.map((s) => s.cfg.architecture ?? s.cfg.amiId);
    const distinct = new Set(archs).size === archs.length;
    for (const s of sources)
        s.io = prefixedIo(io, distinct ? (s.cfg.architecture ?? s.cfg.amiId) : s.cfg.amiId);
    return sources;
}
/** The source image, gated, its architecture as given, its copies named and their tags within EC2's limits. */
async function readSource(io, cfg, srcEc2, sourceAccountId, accountIds) {
    const image = await loadSource(io, cfg, srcEc2, sourceAccountId);
    const expected = cfg.expectedArch[cfg.amiId];
    if (expected && image.Architecture !== expected)
        throw new errors/* InputError */.dz('ami-id', `gives ${cfg.amiId} as ${expected}, and EC2 says it is ${image.Architecture ?? 'of no architecture'}.`, "pass bake's ami-ids output as it is, or list the AMI ids.");
    cfg.architecture = image.Architecture;
    if (cfg.ssmParameter)
        cfg.ssmParameter = (0,plan/* archParameter */.QF)(cfg.ssmParameter, image.Architecture);
    const sourceTags = (0,aws_tags/* imageTags */.rK)(image);
    const { name, family } = nameCopies(io, cfg, image, sourceTags, accountIds.includes(sourceAccountId));
    const baseTags = (0,plan/* destinationTags */.oe)(sourceTags, cfg, family);
    // the copies carry the source's provenance, the tags input and their own: what EC2 would refuse is found now
    const tagProblems = (0,aws_tags/* tagLimitProblems */.MG)({ ...baseTags, [aws_tags/* TAG */.Dk.status]: 'candidate' });
    if (tagProblems.length)
        throw new errors/* InputError */.dz('tags', `the copies' tags of ${cfg.amiId} (the source's ami-bakery provenance, the tags input, promote's own) would be refused by EC2: ${tagProblems.join('; ')}.`, 'give fewer or shorter tags.');
    return { cfg, io, image, name, family, baseTags };
}
/** One source's stale candidates removed, its share for copying, its copies (candidates). */
async function copySource(s, { plan, broken }, clients, accounts, accountIds, sourceAccount, srcEc2, pool, signal) {
    const { cfg, io, image: source, name, family, baseTags } = s;
    const swept = await sweepStaleCandidates(io, cfg, clients, accounts, accountIds, family);
    // whatever goes wrong from here, the results say what is done, and a re-run resumes
    const deadline = Date.now() + cfg.deadlineMs;
    const timer = deadlineSignal(cfg.deadlineMs, signal);
    const copiers = [
        ...new Set(plan.filter((d) => d.state === 'copy' && d.account !== sourceAccount.id).map((d) => d.account)),
    ];
    const sourceSnapshots = (0,aws_tags/* snapshotIdsOf */.Qt)(source);
    await shareForCopying(io, srcEc2, cfg.amiId, source, sourceSnapshots, copiers);
    // Copies are candidates until every destination is available; only then is anything golden.
    const results = await copyAll(io, clients, accounts, plan, broken, {
        amiId: cfg.amiId,
        sourceRegion: cfg.sourceRegion,
        source,
        name,
        encrypt: cfg.encrypt,
        tags: { ...baseTags, [aws_tags/* TAG */.Dk.status]: 'candidate' },
        copyCompletionMinutes: cfg.copyCompletionMinutes,
        deadline,
        deadlineMs: cfg.deadlineMs,
        runNonce: (0,external_node_crypto_.randomUUID)(),
        wait: cfg.mode !== 'stage',
    }, pool, timer.signal, signal).finally(timer.clear);
    return { results, swept, copiers, sourceSnapshots };
}
/** One source published: its launch templates rolled out, its build AMI closed (both only if every copy is golden). */
async function finishSource(s, c, clients, accounts, sourceAccount, srcEc2) {
    const { cfg, io, name, family } = s;
    const { results } = c;
    if (results.some((r) => r.outcome === 'failed'))
        return { buildRetired: 0, rollout: [] };
    const golden = new Map(results.map((r) => [`${r.account}/${r.region}`, r.imageId]));
    const rollout = await rollOutAll(io, cfg, clients, accounts, golden, `ami-bakery: ${name}`);
    let buildRetired = 0;
    if (cfg.encrypt) {
        const label = `${sourceAccount.id}/${cfg.sourceRegion}`;
        const n = await closeBuildAmi(io, cfg, srcEc2, label, c.copiers, c.sourceSnapshots, family);
        const here = results.find((r) => r.account === sourceAccount.id && r.region === cfg.sourceRegion);
        if (here)
            here.retired += n;
        else
            buildRetired = n;
    }
    return { buildRetired, rollout };
}
/** mode quarantine: from the image given to its build AMI, then every copy of that; launch templates back. */
async function quarantineMode(io, cfg, clients, accounts, accountIds, sourceAccount) {
    const given = await describeImage(clients.ec2(sourceAccount, cfg.sourceRegion), cfg.amiId);
    if (!given)
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} was not found in ${cfg.sourceRegion} (account ${sourceAccount.id}).`, 'give the golden image (or its build AMI) that failed its re-scan, and its region as source-region.');
    const givenTags = (0,aws_tags/* imageTags */.rK)(given);
    // Only what ami-bakery baked or promoted: a typo in ami-id must not take an unrelated image out of use.
    if (!Object.keys(givenTags).some((k) => k.startsWith(aws_tags/* TAG_PREFIX */.C_)))
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} (${given.Name ?? 'no name'}) carries no ami-bakery tags: ami-bakery neither baked nor promoted it, so quarantine leaves it alone.`, 'give the golden image (or its build AMI) whose re-scan failed; an image from elsewhere is deprecated by hand.');
    const root = (0,plan/* quarantineRoot */.hw)(cfg.amiId, cfg.sourceRegion, givenTags);
    if (root.amiId !== cfg.amiId)
        io.info(`${cfg.amiId} is a copy of ${root.amiId} (${root.region}): quarantining every copy of it.`);
    await checkRollout(cfg, clients, accounts, accountIds);
    const quarantined = await quarantineCopies(io, cfg, clients, accounts, accountIds, {
        ...root,
        account: sourceAccount.id,
    });
    const back = new Map(quarantined.filter((q) => q.rollbackTo).map((q) => [`${q.account}/${q.region}`, q.rollbackTo]));
    if (cfg.dryRun) {
        for (const [where, to] of back)
            if (cfg.launchTemplates.length)
                io.info(`dry-run: ${where}: launch templates would roll back to ${to}`);
        io.info('dry-run: nothing was changed.');
        return { mode: cfg.mode, name: '', dryRun: true, quarantined, rollout: [] };
    }
    const rollout = await rollOutAll(io, cfg, clients, accounts, back, `ami-bakery quarantine of ${cfg.amiId}: rolled back`);
    return { mode: cfg.mode, name: '', dryRun: false, quarantined, rollout };
}
/**
 * share-with all: every destination account and region must allow new public sharing (AMI Block Public
 * Access off); one that blocks it is refused before anything is copied, not found out halfway.
 */
async function checkBlockPublicAccess(cfg, clients, accounts, accountIds) {
    const blocked = [];
    for (const a of accountIds)
        for (const region of cfg.regions) {
            const r = await clients
                .ec2(accounts.get(a), region)
                .send(new dist_cjs/* GetImageBlockPublicAccessStateCommand */.QRd({}));
            if (r.ImageBlockPublicAccessState === 'block-new-sharing')
                blocked.push(`${a}/${region}`);
        }
    if (blocked.length)
        throw new errors/* InputError */.dz('share-with', `"all" shares the golden image publicly, and AMI Block Public Access blocks new public sharing in ${blocked.join(', ')}.`, 'share with accounts or your organisation instead; or, if the image must be public, disable image block public access in those accounts and regions first.');
}
/** The launch templates are destinations of this promote, and exist: checked before anything changes. */
async function checkRollout(cfg, clients, accounts, accountIds) {
    if (!cfg.launchTemplates.length)
        return;
    const problems = (0,plan/* launchTemplateProblems */.OM)(cfg.launchTemplates, accountIds, cfg.regions);
    if (problems.length)
        throw new errors/* InputError */.dz('launch-templates', problems.join('; '), 'list launch templates in the accounts and regions promote copies to.');
    await checkLaunchTemplates(clients, accounts, cfg.launchTemplates, cfg.architecture);
}
/** The source image, available and not a candidate copy, with its provenance gate passed. */
async function loadSource(io, cfg, srcEc2, account) {
    const source = await describeImage(srcEc2, cfg.amiId);
    if (!source)
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} was not found in ${cfg.sourceRegion} (account ${account}).`, 'check ami-id and source-region.');
    if (source.State !== 'available')
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} is ${source.State}, not available.`, 'promote an available image.');
    const sourceTags = (0,aws_tags/* imageTags */.rK)(source);
    if (sourceTags[aws_tags/* TAG */.Dk.status] === 'candidate')
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} is a candidate copy made by an unfinished promote (of ${sourceTags[aws_tags/* TAG */.Dk.sourceAmi] ?? 'another image'}).`, 'promote the build AMI that bake output.');
    if (cfg.mode === 'stage') {
        io.info(`stage: copies start before ${cfg.amiId} is verified and scanned; they stay candidates, private to each account, until publish checks the gate.`);
    }
    else if (cfg.require.length) {
        const problems = (0,plan/* evaluateGate */.DR)(cfg.require, sourceTags);
        if (problems.length) {
            // the most important gate event has a summary of its own: what failed, what was not done
            await io.appendSummary(refusalSummary(cfg, problems, account));
            throw new errors/* GateError */.ue(`promote refused ${cfg.amiId}: ${problems.join('; ')}. Nothing was copied (require: ${cfg.require.map((r) => r.raw).join(',')}).`);
        }
        io.info(`Gate passed: ${cfg.require.map((r) => r.raw).join(', ')}`);
    }
    else
        io.warning(`The provenance gate is OFF (require: none): ${cfg.amiId} is promoted without checking its verify/scan tags. The copies are tagged ${aws_tags/* TAG */.Dk.gate}=none.`);
    return source;
}
/**
 * The copies' name and family. With encrypt, the source region holds the build AMI and its encrypted
 * golden copy side by side, and AMI names are unique per account and region: the default name is
 * then `{source}-golden`.
 */
function nameCopies(io, cfg, source, sourceTags, sourceAccountIsDestination) {
    const nameTemplate = cfg.nameTemplate || (cfg.encrypt ? '{source}-golden' : '{source}');
    const name = (0,plan/* renderName */.gU)(nameTemplate, {
        sha: io.env.GITHUB_SHA ?? sourceTags[aws_tags/* TAG */.Dk.commit] ?? 'local',
        sourceName: source.Name ?? cfg.amiId,
        now: new Date(),
        arch: source.Architecture,
    });
    const family = (0,plan/* nameFamily */.kk)(nameTemplate, source.Name ?? cfg.amiId);
    if (cfg.encrypt &&
        name === source.Name &&
        cfg.regions.includes(cfg.sourceRegion) &&
        sourceAccountIsDestination)
        throw new errors/* InputError */.dz('name', `"${name}" is the build AMI's own name: its encrypted copy in ${cfg.sourceRegion} needs another (AMI names are unique per region).`, 'use a template such as golden-ubuntu-22.04-{date}-{sha}, or leave name empty ({source}-golden).');
    return { name, family };
}
/**
 * Every account × region, for every source: reuse the source itself (unencrypted, in its own
 * region), reuse or wait for an earlier copy (found by its source tag, whatever its name: a {time}
 * name differs on every run), or copy. With encrypt the source region gets an encrypted copy too:
 * the unencrypted build AMI is never the golden image. One look per account × region serves every
 * source (and one more for the names of those to copy). Broken earlier copies are returned per
 * `account/region` for removal.
 */
async function planDestinations(cfg, sources, clients, accounts, accountIds, sourceAccountId) {
    const out = sources.map(() => ({ plan: [], broken: new Map() }));
    const clashes = [];
    await Promise.all(accountIds.flatMap((a) => cfg.regions.map(async (region) => {
        const ec2 = clients.ec2(accounts.get(a), region);
        const kmsKeyId = cfg.encrypt ? (0,plan/* kmsKeyFor */.yk)(cfg.kmsKeys, a, region) : undefined;
        const itself = !cfg.encrypt && a === sourceAccountId && region === cfg.sourceRegion;
        const found = itself
            ? []
            : await describeOwnImages(ec2, { [aws_tags/* TAG */.Dk.sourceAmi]: sources.map((s) => s.amiId) });
        const toCopy = [];
        for (const [i, { amiId }] of sources.entries()) {
            if (itself) {
                out[i].plan.push({ account: a, region, state: 'source', imageId: amiId });
                continue;
            }
            const { usable, broken: bad } = (0,plan/* classifyCopies */.Q0)(found.filter((img) => (0,aws_tags/* imageTags */.rK)(img)[aws_tags/* TAG */.Dk.sourceAmi] === amiId), amiId);
            if (bad.length)
                out[i].broken.set(`${a}/${region}`, bad);
            if (usable)
                out[i].plan.push({
                    account: a,
                    region,
                    state: usable.State === 'available' ? 'exists' : 'pending',
                    imageId: usable.ImageId,
                    kmsKeyId,
                });
            else {
                out[i].plan.push({ account: a, region, state: 'copy', kmsKeyId });
                toCopy.push(i);
            }
        }
        if (!toCopy.length)
            return;
        // AMI names are unique per account and region: a name another image holds is found now,
        // before anything is shared or copied, not by CopyImage halfway (InvalidAMIName.Duplicate)
        const taken = await imagesNamed(ec2, toCopy.map((i) => sources[i].name));
        for (const i of toCopy) {
            const { amiId, name } = sources[i];
            const bad = out[i].broken.get(`${a}/${region}`) ?? [];
            // a copy of this very source whose tags did not land (moto does not apply CopyImage's
            // TagSpecifications; EC2 does, atomically) is ours, not a clash: its description says so
            const ours = (img) => (img.Description ?? '').includes(`(golden copy of ${amiId} from `);
            const other = taken.find((img) => img.Name === name && !bad.some((b) => b.ImageId === img.ImageId) && !ours(img));
            const t = (0,aws_tags/* imageTags */.rK)(other);
            if (other)
                clashes.push(`${a}/${region} has ${other.ImageId} (${t[aws_tags/* TAG */.Dk.sourceAmi] ? `a copy of ${t[aws_tags/* TAG */.Dk.sourceAmi]}` : 'not a copy of this source'}${t[aws_tags/* TAG */.Dk.status] ? `, ${t[aws_tags/* TAG */.Dk.status]}` : ''})${sources.length > 1 ? ` named like the copies of ${amiId}` : ''}`);
        }
    })));
    if (clashes.length)
        throw new errors/* InputError */.dz('name', `${sources.length > 1 ? 'a name the copies would take' : `"${sources[0].name}"`} is already the name of another image in ${clashes.sort().join('; ')}: AMI names are unique per account and region, so its copy there would fail. Nothing was shared or copied.`, 'make the name unique per build, e.g. golden-ubuntu-22.04-{date}-{time}-{sha}, or retire the image that holds it.');
    for (const o of out)
        o.plan.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
    return out;
}
/** This account's images (not deregistered) named exactly one of `names`. */
async function imagesNamed(ec2, names) {
    const r = await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ Owners: ['self'], Filters: [{ Name: 'name', Values: names }] }));
    return (r.Images ?? []).filter((i) => names.includes(i.Name ?? '') && i.State !== 'deregistered');
}
function logPlan(io, amiId, name, plan, broken) {
    io.info(`Plan for ${amiId} → "${name}" (${plan.length} destination(s)):`);
    for (const d of plan) {
        const b = broken.get(`${d.account}/${d.region}`) ?? [];
        io.info(`  ${d.account} ${d.region.padEnd(15)} ${d.state}${d.imageId ? ` ${d.imageId}` : ''}${d.kmsKeyId ? ` kms=${d.kmsKeyId}` : ''}${b.length ? ` (replaces failed copy ${b.map((x) => x.ImageId).join(', ')})` : ''}`);
    }
}
/** Share the source with accounts that copy it (launch permission + snapshot create-volume). */
async function shareForCopying(io, srcEc2, amiId, source, sourceSnapshots, copiers) {
    if (!copiers.length)
        return;
    await shareSource(srcEc2, amiId, sourceSnapshots, copiers, 'add');
    io.info(`Shared ${amiId} and its snapshots with ${copiers.join(', ')} for copying.`);
    if ((source.BlockDeviceMappings ?? []).some((b) => b.Ebs?.Encrypted && b.Ebs?.KmsKeyId && !/alias\/aws\/ebs/.test(b.Ebs.KmsKeyId))) {
        io.info('Note: the source is encrypted with a customer managed KMS key: its key policy (or a grant) must let the destination accounts use it, or their copies fail.');
    }
}
/** A crashed run's candidates (same family, another source, older than candidate-ttl): removed. */
async function sweepStaleCandidates(io, cfg, clients, accounts, accountIds, family) {
    const now = Date.now();
    const counts = await Promise.all(accountIds.flatMap((a) => cfg.regions.map(async (region) => {
        const ec2 = clients.ec2(accounts.get(a), region);
        // another architecture's run of the family has candidates of its own: not this run's to judge
        const found = (await describeOwnImages(ec2, { [aws_tags/* TAG */.Dk.status]: 'candidate', [aws_tags/* TAG */.Dk.family]: family })).filter((i) => !cfg.architecture || !i.Architecture || i.Architecture === cfg.architecture);
        const stale = (0,plan/* staleCandidates */.yU)(found, cfg.amiId, now, cfg.candidateTtlMs);
        for (const img of stale) {
            await removeImage(ec2, img);
            io.info(`${a}/${region}: removed ${img.ImageId}, a candidate of ${(0,aws_tags/* imageTags */.rK)(img)[aws_tags/* TAG */.Dk.sourceAmi] ?? 'another source'} left by an unfinished run (created ${img.CreationDate}, older than candidate-ttl)`);
        }
        return stale.length;
    })));
    return counts.reduce((n, c) => n + c, 0);
}
/**
 * discard: every candidate copy of the source, in every destination, deregistered with its
 * snapshots; an image of the source tagged anything else (golden, promoted) is never touched. The
 * temporary share of an unpublished source with the copying accounts is removed too. Idempotent.
 */
async function discardCandidates(io, cfg, clients, accounts, accountIds, sourceAccount) {
    const results = await Promise.all(accountIds.flatMap((a) => cfg.regions.map(async (region) => {
        const ec2 = clients.ec2(accounts.get(a), region);
        const copies = (await describeOwnImages(ec2, { [aws_tags/* TAG */.Dk.sourceAmi]: cfg.amiId })).filter((i) => i.ImageId !== cfg.amiId);
        const out = { account: a, region, removed: [], kept: [] };
        for (const img of copies) {
            const status = (0,aws_tags/* imageTags */.rK)(img)[aws_tags/* TAG */.Dk.status];
            if (status !== 'candidate') {
                out.kept.push(img.ImageId);
                io.info(`${a}/${region}: kept ${img.ImageId} (${status ? `status ${status}` : 'no status tag'}): not a candidate`);
                continue;
            }
            out.removed.push(img.ImageId);
            if (cfg.dryRun) {
                io.info(`dry-run: ${a}/${region}: would discard candidate ${img.ImageId} (${img.State}) and its snapshots`);
                continue;
            }
            await removeImage(ec2, img);
            io.info(`${a}/${region}: discarded candidate ${img.ImageId} (${img.State}) and its snapshots`);
        }
        return out;
    })));
    await unshareUnpublishedSource(io, cfg, clients.ec2(sourceAccount, cfg.sourceRegion), accountIds, sourceAccount.id);
    return results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
}
/** The copy share of a source that was never published (not golden, not promoted) ends with discard. */
async function unshareUnpublishedSource(io, cfg, srcEc2, accountIds, sourceAccountId) {
    const copiers = accountIds.filter((a) => a !== sourceAccountId);
    if (!copiers.length)
        return;
    const source = await describeImage(srcEc2, cfg.amiId);
    const status = (0,aws_tags/* imageTags */.rK)(source)[aws_tags/* TAG */.Dk.status];
    if (!source || source.State !== 'available' || status === 'golden' || status === 'promoted')
        return;
    if (cfg.dryRun) {
        io.info(`dry-run: would remove the copy share of ${cfg.amiId} with ${copiers.join(', ')}.`);
        return;
    }
    await shareSource(srcEc2, cfg.amiId, (0,aws_tags/* snapshotIdsOf */.Qt)(source), copiers, 'remove');
    io.info(`Removed the copy share of ${cfg.amiId} with ${copiers.join(', ')}.`);
}
/** The job summary of a refused promote: each failed requirement, and what would have been done. */
function refusalSummary(cfg, problems, sourceAccount) {
    const accounts = cfg.accounts.length ? cfg.accounts : [sourceAccount];
    const regions = cfg.regions.length ? cfg.regions : [cfg.sourceRegion];
    const where = accounts.flatMap((a) => regions.map((r) => `${a}/${r}`));
    return [
        '## ami-bakery promote: refused',
        '',
        `${(0,markdown/* codeSpan */.S)(cfg.amiId)} (${(0,markdown/* escapeMarkdown */.F)(cfg.sourceRegion)}) was **not promoted**: its provenance gate failed (require: ${(0,markdown/* codeSpan */.S)(cfg.require.map((r) => r.raw).join(','))}).`,
        '',
        ...problems.map((p) => `- ❌ ${(0,markdown/* escapeMarkdown */.F)(p)}`),
        '',
        `Nothing was copied, shared, published or retired. It would have been copied to ${where.length} destination(s): ${where.map((w) => (0,markdown/* codeSpan */.S)(w)).join(', ')}${cfg.ssmParameter ? `, and named by the SSM parameter ${(0,markdown/* codeSpan */.S)(cfg.ssmParameter)}` : ''}.`,
        '',
    ].join('\n');
}


/***/ })

};
