export const id = 295;
export const ids = [295];
export const modules = {

/***/ 2295:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  promoteWith: () => (/* binding */ promoteWith)
});

// UNUSED EXPORTS: nextPollMs

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ec2/dist-cjs/index.js
var dist_cjs = __webpack_require__(5193);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(4736);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(3904);
// EXTERNAL MODULE: ./shared/src/aws/validate.ts + 1 modules
var validate = __webpack_require__(1850);
;// CONCATENATED MODULE: ./shared/src/aws/ec2.ts
/**
 * EC2 access shared by the stages. Endpoints come from the SDK's standard environment variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2), which is also how tests reach the local sandbox.
 */



/** An image's tags as a plain object. */
function imageTags(img) {
    return Object.fromEntries((img?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
function ec2Client(region) {
    return new EC2Client({ region, maxAttempts: 5 });
}
/** Tag an AMI (and check it exists first, so a wrong id is a clear error, not a partial change). */
async function tagImage(client, amiId, tags) {
    let images;
    try {
        images = await client.send(new DescribeImagesCommand({ ImageIds: [amiId] }));
    }
    catch (e) {
        const name = e.name ?? '';
        if (/InvalidAMIID/.test(name)) {
            throw new InputError('ami-id', `${amiId} does not exist in this account/region (${name}).`, 'check ami-id and aws-region.');
        }
        throw e;
    }
    if (!images.Images?.length) {
        throw new InputError('ami-id', `${amiId} was not found in this account/region.`, 'check ami-id and aws-region.');
    }
    await client.send(new CreateTagsCommand({
        Resources: [amiId],
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }));
}
/**
 * Wait until every instance is running with system and instance status checks `ok`, logging
 * progress, bounded by `deadline` (ms since epoch). Throws naming the instances that are not ready.
 */
async function waitForInstances(client, ids, deadline, io, signal) {
    const { DescribeInstanceStatusCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    let delay = 1000;
    let last = '';
    for (;;) {
        if (signal?.aborted)
            throw new Error('cancelled while waiting for the instances');
        const r = await client.send(new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }));
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
        if (line !== last)
            io.info(line);
        last = line;
        const dead = states.find((s) => ['terminated', 'shutting-down', 'stopped', 'stopping'].includes(s.state));
        if (dead)
            throw new Error(`instance ${dead.id} is ${dead.state}: it will not pass its status checks`);
        if (states.every((s) => s.state === 'running' && s.system === 'ok' && s.instance === 'ok'))
            return;
        if (Date.now() + delay > deadline)
            throw new Error(`instances not ready before the timeout: ${line}`);
        await new Promise((res) => setTimeout(res, delay));
        delay = Math.min(delay * 2, 15_000);
    }
}

// EXTERNAL MODULE: ./shared/src/promote/plan.ts
var promote_plan = __webpack_require__(3897);
;// CONCATENATED MODULE: ./action-promote/src/fanout.ts
/** action-promote's AWS work (loaded after the inputs are validated): see promote.ts. */







/** A counting semaphore per key (region). */
class Limiter {
    max;
    active = new Map();
    queues = new Map();
    constructor(max) {
        this.max = max;
    }
    async run(key, fn) {
        while ((this.active.get(key) ?? 0) >= this.max) {
            await new Promise((r) => {
                const q = this.queues.get(key) ?? [];
                q.push(r);
                this.queues.set(key, q);
            });
        }
        this.active.set(key, (this.active.get(key) ?? 0) + 1);
        try {
            return await fn();
        }
        finally {
            this.active.set(key, (this.active.get(key) ?? 1) - 1);
            this.queues.get(key)?.shift()?.();
        }
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const jitter = (ms) => Math.round(ms * (0.5 + Math.random()));
const errName = (e) => e.name ?? e.Code ?? '';
/** One SDK client per account and region, created on first use. */
class Clients {
    ec2s = new Map();
    ssms = new Map();
    static get(cache, a, region, make) {
        const k = `${a.id}/${region}`;
        let c = cache.get(k);
        if (!c) {
            c = make();
            cache.set(k, c);
        }
        return c;
    }
    /** Adaptive retry (client-side rate limiting) with room for long throttling storms. */
    static opts(a, region) {
        return { region, credentials: a.credentials, retryMode: 'adaptive', maxAttempts: 20 };
    }
    ec2(a, region) {
        return Clients.get(this.ec2s, a, region, () => new dist_cjs/* EC2Client */.gu5(Clients.opts(a, region)));
    }
    ssm(a, region) {
        return Clients.get(this.ssms, a, region, () => new client_ssm_dist_cjs/* SSMClient */.jBj(Clients.opts(a, region)));
    }
    destroy() {
        for (const c of [...this.ec2s.values(), ...this.ssms.values()])
            c.destroy();
    }
}
async function promoteWith(io, cfg, signal) {
    const clients = new Clients();
    try {
        await promote(io, cfg, clients, signal);
    }
    finally {
        clients.destroy();
    }
}
const TAG_SOURCE = 'ami-bakery:source-ami';
const TAG_STATUS = 'ami-bakery:status';
function snapshotIdsOf(img) {
    return (img?.BlockDeviceMappings ?? [])
        .map((b) => b.Ebs?.SnapshotId)
        .filter((s) => Boolean(s));
}
/** Deregister an image and delete its snapshots (a failed copy, so the next run copies again). */
async function removeImage(ec2, img) {
    await ec2.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: img.ImageId }));
    for (const s of snapshotIdsOf(img)) {
        try {
            await ec2.send(new dist_cjs/* DeleteSnapshotCommand */.tZN({ SnapshotId: s }));
        }
        catch (e) {
            if (!/InvalidSnapshot\.NotFound/.test(errName(e)))
                throw e;
        }
    }
}
async function promote(io, cfg, clients, signal) {
    const sts = new client_sts_dist_cjs/* STSClient */.iM({ region: cfg.sourceRegion, retryMode: 'adaptive', maxAttempts: 20 });
    const me = await sts.send(new client_sts_dist_cjs/* GetCallerIdentityCommand */.zI({}));
    const sourceAccount = { id: me.Account ?? '' };
    const accountIds = cfg.accounts.length ? cfg.accounts : [sourceAccount.id];
    const others = accountIds.filter((a) => a !== sourceAccount.id);
    if (others.length && !cfg.roleArnTemplate) {
        throw new errors/* InputError */.dz('role-name', `is needed to reach accounts ${others.join(', ')} (the credentials are for ${sourceAccount.id}).`, 'set role-name (e.g. ami-promoter) or role-arn-template.');
    }
    // The source: it must exist; its tags decide the gate. Nothing has changed yet.
    const srcEc2 = clients.ec2(sourceAccount, cfg.sourceRegion);
    let source;
    try {
        source = (await srcEc2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [cfg.amiId] }))).Images?.[0];
    }
    catch (e) {
        if (!/InvalidAMIID/.test(errName(e)))
            throw e;
    }
    if (!source)
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} was not found in ${cfg.sourceRegion} (account ${sourceAccount.id}).`, 'check ami-id and source-region.');
    if (source.State !== 'available')
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} is ${source.State}, not available.`, 'promote an available image.');
    const sourceTags = imageTags(source);
    if (sourceTags[TAG_STATUS] === 'candidate')
        throw new errors/* InputError */.dz('ami-id', `${cfg.amiId} is a candidate copy made by an unfinished promote (of ${sourceTags[TAG_SOURCE] ?? 'another image'}).`, 'promote the build AMI that bake output.');
    if (cfg.require.length) {
        const problems = (0,promote_plan/* evaluateGate */.DR)(cfg.require, sourceTags);
        if (problems.length) {
            throw new errors/* GateError */.ue(`promote refused ${cfg.amiId}: ${problems.join('; ')}. Nothing was copied (require: ${cfg.require.map((r) => r.raw).join(',')}).`);
        }
        io.info(`Gate passed: ${cfg.require.map((r) => r.raw).join(', ')}`);
    }
    else
        io.warning(`The provenance gate is OFF (require: none): ${cfg.amiId} is promoted without checking its verify/scan tags. The copies are tagged ami-bakery:gate=none.`);
    // With encrypt, the source region holds the build AMI and its encrypted golden copy side by side,
    // and AMI names are unique per account and region: the default name is then `{source}-golden`.
    const nameTemplate = cfg.nameTemplate || (cfg.encrypt ? '{source}-golden' : '{source}');
    const name = (0,promote_plan/* renderName */.gU)(nameTemplate, {
        sha: io.env.GITHUB_SHA ?? sourceTags['ami-bakery:commit'] ?? 'local',
        sourceName: source.Name ?? cfg.amiId,
        now: new Date(),
    });
    const family = (0,promote_plan/* nameFamily */.kk)(nameTemplate, source.Name ?? cfg.amiId);
    if (cfg.encrypt &&
        name === source.Name &&
        cfg.regions.includes(cfg.sourceRegion) &&
        accountIds.includes(sourceAccount.id))
        throw new errors/* InputError */.dz('name', `"${name}" is the build AMI's own name: its encrypted copy in ${cfg.sourceRegion} needs another (AMI names are unique per region).`, 'use a template such as golden-ubuntu-22.04-{date}-{sha}, or leave name empty ({source}-golden).');
    // Credentials for every destination account (AssumeRole, masked).
    const accounts = new Map([[sourceAccount.id, sourceAccount]]);
    const session = `ami-bakery-promote-${io.env.GITHUB_RUN_ID ?? process.pid}`.slice(0, 64);
    for (const a of others) {
        const arn = cfg.roleArnTemplate.replace('{account}', a);
        let r;
        try {
            r = await sts.send(new client_sts_dist_cjs/* AssumeRoleCommand */.QL({ RoleArn: arn, RoleSessionName: session, DurationSeconds: 3600 }));
        }
        catch (e) {
            throw new errors/* InputError */.dz('role-name', `cannot assume ${arn}: ${errName(e)} ${(0,errors/* messageOf */.bD)(e)}.`, `let ${sourceAccount.id} assume that role (trust policy), see docs/iam.md.`);
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
    sts.destroy();
    // Plan: earlier copies of this source are found by their source tag, whatever their name (a
    // {time} name differs on every run). With encrypt, the source region gets an encrypted copy too:
    // the unencrypted build AMI is never the golden image.
    const plan = [];
    const failedCopies = new Map();
    await Promise.all(accountIds.flatMap((a) => cfg.regions.map(async (region) => {
        const acct = accounts.get(a);
        const kmsKeyId = cfg.encrypt ? (0,promote_plan/* kmsKeyFor */.yk)(cfg.kmsKeys, a, region) : undefined;
        if (!cfg.encrypt && a === sourceAccount.id && region === cfg.sourceRegion) {
            plan.push({ account: a, region, state: 'source', imageId: cfg.amiId });
            return;
        }
        const found = ((await clients.ec2(acct, region).send(new dist_cjs/* DescribeImagesCommand */.ji5({
            Owners: ['self'],
            Filters: [{ Name: `tag:${TAG_SOURCE}`, Values: [cfg.amiId] }],
        }))).Images ?? []).filter((i) => i.ImageId !== cfg.amiId && i.State !== 'deregistered');
        const usable = found.find((i) => i.State === 'available') ?? found.find((i) => i.State === 'pending');
        const broken = found.filter((i) => i !== usable && i.State !== 'available' && i.State !== 'pending');
        if (broken.length)
            failedCopies.set(`${a}/${region}`, broken);
        if (usable)
            plan.push({
                account: a,
                region,
                state: usable.State === 'available' ? 'exists' : 'pending',
                imageId: usable.ImageId,
                kmsKeyId,
            });
        else
            plan.push({ account: a, region, state: 'copy', kmsKeyId });
    })));
    plan.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
    io.info(`Plan for ${cfg.amiId} → "${name}" (${plan.length} destination(s)):`);
    for (const d of plan) {
        const broken = failedCopies.get(`${d.account}/${d.region}`) ?? [];
        io.info(`  ${d.account} ${d.region.padEnd(15)} ${d.state}${d.imageId ? ` ${d.imageId}` : ''}${d.kmsKeyId ? ` kms=${d.kmsKeyId}` : ''}${broken.length ? ` (replaces failed copy ${broken.map((b) => b.ImageId).join(', ')})` : ''}`);
    }
    io.setOutput('plan', JSON.stringify(plan));
    if (cfg.dryRun) {
        io.info('dry-run: nothing was changed.');
        io.setOutput('amis', JSON.stringify(amisOf(plan.filter((d) => d.state === 'exists' || d.state === 'source'))));
        io.setOutput('copied', 0);
        io.setOutput('reused', plan.filter((d) => d.state === 'exists' || d.state === 'pending').length);
        io.setOutput('retired', 0);
        io.setOutput('failed', 0);
        return;
    }
    // From here on AWS changes: whatever goes wrong, say what is done and that a re-run resumes.
    const deadline = Date.now() + cfg.deadlineMs;
    const stop = AbortSignal.any([
        ...(signal ? [signal] : []),
        AbortSignal.timeout(Math.max(1, cfg.deadlineMs)),
    ]);
    // Share the source with accounts that copy it (launch permission + snapshot create-volume).
    const copiers = [
        ...new Set(plan.filter((d) => d.state === 'copy' && d.account !== sourceAccount.id).map((d) => d.account)),
    ];
    const sourceSnapshots = snapshotIdsOf(source);
    if (copiers.length) {
        await shareSource(srcEc2, cfg.amiId, sourceSnapshots, copiers, 'add');
        io.info(`Shared ${cfg.amiId} and its snapshots with ${copiers.join(', ')} for copying.`);
        if ((source.BlockDeviceMappings ?? []).some((b) => b.Ebs?.Encrypted && b.Ebs?.KmsKeyId && !/alias\/aws\/ebs/.test(b.Ebs.KmsKeyId))) {
            io.info('Note: the source is encrypted with a customer managed KMS key: its key policy (or a grant) must let the destination accounts use it, or their copies fail.');
        }
    }
    const provenance = {};
    for (const [k, v] of Object.entries(sourceTags))
        if (k.startsWith('ami-bakery:'))
            provenance[k] = v;
    const baseTags = {
        ...provenance,
        ...cfg.tags,
        [TAG_SOURCE]: cfg.amiId,
        'ami-bakery:source-region': cfg.sourceRegion,
        'ami-bakery:family': family,
        ...(cfg.require.length ? {} : { 'ami-bakery:gate': 'none' }),
    };
    // Copies are candidates until every destination is available; only then is anything golden.
    const candidateTags = { ...baseTags, [TAG_STATUS]: 'candidate' };
    const goldenTags = { ...baseTags, [TAG_STATUS]: 'golden' };
    // The token makes the SDK's own retries of one CopyImage safe. Across runs, earlier copies are
    // found by their source tag instead: a token reused after a failed copy would return that copy.
    const runNonce = (0,external_node_crypto_.randomUUID)();
    const limiter = new Limiter(cfg.maxConcurrency);
    const results = await Promise.all(plan.map(async (d) => {
        const t0 = Date.now();
        const acct = accounts.get(d.account);
        const ec2 = clients.ec2(acct, d.region);
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
            for (const broken of failedCopies.get(label) ?? []) {
                await removeImage(ec2, broken);
                io.info(`${label}: removed failed copy ${broken.ImageId} (${broken.State}) and its snapshots`);
            }
            if (d.state === 'source' || d.state === 'exists')
                return result('reused', d.imageId);
            const imageId = await limiter.run(d.region, async () => {
                let idNow = d.imageId;
                if (d.state === 'copy') {
                    if (stop.aborted)
                        throw new Error('stopped before copying');
                    idNow = await copyWithQueue(io, ec2, label, {
                        SourceImageId: cfg.amiId,
                        SourceRegion: cfg.sourceRegion,
                        Name: name,
                        Description: `${source.Description ?? source.Name ?? cfg.amiId} (golden copy of ${cfg.amiId} from ${cfg.sourceRegion})`.slice(0, 255),
                        Encrypted: cfg.encrypt || undefined,
                        KmsKeyId: d.kmsKeyId,
                        ClientToken: (0,promote_plan/* clientToken */.$Y)(cfg.amiId, d.account, d.region, runNonce),
                        TagSpecifications: [
                            { ResourceType: 'image', Tags: awsTags(candidateTags) },
                            { ResourceType: 'snapshot', Tags: awsTags(candidateTags) },
                        ],
                    });
                    io.info(`${label}: copying as ${idNow}`);
                }
                await waitAvailable(io, ec2, label, idNow, stop);
                return idNow;
            });
            return result(d.state === 'copy' ? 'copied' : 'reused', imageId);
        }
        catch (e) {
            const msg = stop.aborted && !signal?.aborted && Date.now() >= deadline - 50
                ? `the deadline (${Math.round(cfg.deadlineMs / 60_000)} min) ran out: ${(0,errors/* messageOf */.bD)(e)}`
                : (0,errors/* messageOf */.bD)(e);
            io.warning(`${label}: ${msg}`);
            return result('failed', d.imageId, msg.slice(0, 300));
        }
    }));
    results.sort((x, y) => (x.account + x.region < y.account + y.region ? -1 : 1));
    const failed = results.filter((r) => r.outcome === 'failed');
    let buildRetired = 0;
    if (!failed.length) {
        // Every destination is available: now, and only now, the copies become golden.
        await Promise.all(results.map(async (r) => {
            const acct = accounts.get(r.account);
            const ec2 = clients.ec2(acct, r.region);
            const label = `${r.account}/${r.region}`;
            try {
                await finish(io, cfg, ec2, clients.ssm(acct, r.region), label, r.imageId, goldenTags);
                r.retired = cfg.retain ? await retire(io, ec2, label, family, cfg.retain, r.imageId) : 0;
            }
            catch (e) {
                r.outcome = 'failed';
                r.error = (0,errors/* messageOf */.bD)(e).slice(0, 300);
                io.warning(`${label}: ${r.error}`);
            }
        }));
        if (cfg.encrypt && !results.some((r) => r.outcome === 'failed')) {
            // The temporary share for copying ends once every copy exists: the build AMI stays private.
            if (copiers.length) {
                await shareSource(srcEc2, cfg.amiId, sourceSnapshots, copiers, 'remove');
                io.info(`Removed the temporary share of ${cfg.amiId} with ${copiers.join(', ')}: the build AMI is not shared.`);
            }
            // The build AMI is recorded as promoted (never golden), so that retention retires old ones too.
            await srcEc2.send(new dist_cjs/* CreateTagsCommand */.RmG({
                Resources: [cfg.amiId, ...sourceSnapshots],
                Tags: awsTags({ [TAG_STATUS]: 'promoted', 'ami-bakery:family': family }),
            }));
            if (cfg.retain) {
                const n = await retire(io, srcEc2, `${sourceAccount.id}/${cfg.sourceRegion} (build AMIs)`, family, cfg.retain, cfg.amiId, 'promoted');
                const here = results.find((r) => r.account === sourceAccount.id && r.region === cfg.sourceRegion);
                if (here)
                    here.retired += n;
                else
                    buildRetired = n;
            }
        }
    }
    const ok = results.filter((r) => r.outcome !== 'failed');
    const nowFailed = results.filter((r) => r.outcome === 'failed');
    io.setOutput('amis', JSON.stringify(nowFailed.length ? {} : amisOf(ok)));
    io.setOutput('copied', results.filter((r) => r.outcome === 'copied').length);
    io.setOutput('reused', results.filter((r) => r.outcome === 'reused').length);
    io.setOutput('retired', results.reduce((n, r) => n + r.retired, buildRetired));
    io.setOutput('failed', nowFailed.length);
    const status = (r) => r.outcome === 'failed'
        ? `❌ ${r.error ?? 'failed'}`
        : nowFailed.length
            ? 'available, not golden yet'
            : 'golden';
    await io.appendSummary([
        '## ami-bakery promote',
        '',
        `\`${cfg.amiId}\` (${cfg.sourceRegion}) → **${name}**${cfg.require.length ? '' : ' — ⚠️ gate off (require: none)'}`,
        '',
        '| account | region | outcome | AMI | time | status | retired |',
        '|---|---|---|---|---:|---|---:|',
        ...results.map((r) => `| ${r.account} | ${r.region} | ${r.outcome} | ${r.imageId ? `\`${r.imageId}\`` : '—'} | ${r.seconds} s | ${status(r).replace(/\|/g, '\\|')} | ${r.retired} |`),
        '',
        nowFailed.length
            ? `${nowFailed.length} of ${results.length} destination(s) failed, so nothing was tagged golden. Done: ${ok.map((r) => `${r.account}/${r.region}`).join(', ') || 'none'}. A re-run resumes: it reuses the available copies, replaces failed ones, and tags all of them golden once every destination is available.`
            : `All ${results.length} destination(s) are golden.`,
        '',
    ].join('\n'));
    if (nowFailed.length)
        throw new Error(`${nowFailed.length} of ${plan.length} destination(s) failed (${nowFailed.map((r) => `${r.account}/${r.region}: ${r.error}`).join('; ')}). Nothing was tagged golden. Done: ${ok.map((r) => `${r.account}/${r.region}`).join(', ') || 'none'}. Re-run promote to resume: available copies are reused, failed ones replaced.`);
}
const awsTags = (tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
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
function amisOf(ds) {
    const out = {};
    for (const d of ds) {
        if (!d.imageId)
            continue;
        out[d.account] ??= {};
        out[d.account][d.region] = d.imageId;
    }
    return out;
}
/** CopyImage; a concurrent-copy limit (ResourceLimitExceeded) waits and tries again instead of failing. */
async function copyWithQueue(io, ec2, label, input) {
    let wait = 1000;
    for (let attempt = 1;; attempt++) {
        try {
            const r = await ec2.send(new dist_cjs/* CopyImageCommand */.SDF(input));
            return r.ImageId;
        }
        catch (e) {
            if (errName(e) !== 'ResourceLimitExceeded' || attempt > 200)
                throw e;
            if (attempt === 1)
                io.info(`${label}: the region's concurrent copy limit is reached; queued`);
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
function nextPollMs(elapsedMs, progressPct, fallbackMs) {
    const floor = Math.max(100, elapsedMs * 0.02);
    // Snapshots complete, image still pending: registration is moments away.
    if (progressPct !== undefined && progressPct >= 100)
        return floor;
    if (!progressPct || progressPct <= 0)
        return fallbackMs;
    const remaining = (elapsedMs * (100 - progressPct)) / progressPct;
    // An early, coarse progress figure (5 % after 0.1 s) is a poor estimate: never wait longer than
    // the time spent so far, so the estimate is refined as the copy advances.
    return Math.round(Math.max(floor, Math.min(15_000, remaining * 0.9, Math.max(elapsedMs, 250))));
}
async function waitAvailable(io, ec2, label, imageId, signal) {
    const t0 = Date.now();
    let fallback = 250;
    let lastProgress = '';
    for (;;) {
        const img = (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [imageId] }))).Images?.[0];
        if (img?.State === 'available') {
            io.info(`${label}: ${imageId} available`);
            return;
        }
        if (img && img.State !== 'pending') {
            // A failed copy never recovers: remove it (and its snapshots) so a re-run copies afresh.
            await removeImage(ec2, img);
            throw new Error(`copy ${imageId} ended ${img.State}${img.StateReason?.Message ? ` (${img.StateReason.Message})` : ''}; it was deregistered with its snapshots, and a re-run copies again`);
        }
        const snaps = (img?.BlockDeviceMappings ?? [])
            .map((b) => b.Ebs?.SnapshotId)
            .filter((s) => Boolean(s));
        let pct;
        if (snaps.length) {
            const r = await ec2.send(new dist_cjs/* DescribeSnapshotsCommand */.MmI({ SnapshotIds: snaps }));
            const values = (r.Snapshots ?? []).map((s) => Number.parseFloat(s.Progress ?? '0') || 0);
            pct = values.length ? Math.min(...values) : undefined;
            const progress = (r.Snapshots ?? []).map((s) => s.Progress ?? '0%').join(', ');
            if (progress !== lastProgress)
                io.info(`${label}: ${imageId} ${progress}`);
            lastProgress = progress;
        }
        if (signal?.aborted)
            throw new Error(`stopped while ${imageId} was copying (it continues in AWS; a re-run picks it up)`);
        await sleep(nextPollMs(Date.now() - t0, pct, fallback));
        fallback = Math.min(Math.round(fallback * 1.5), 10_000);
    }
}
/** Tags (image + snapshots), launch permissions, deprecation, SSM parameter. Idempotent. */
async function finish(io, cfg, ec2, ssm, label, imageId, tags) {
    const img = (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({ ImageIds: [imageId] }))).Images?.[0];
    const snaps = snapshotIdsOf(img);
    await ec2.send(new dist_cjs/* CreateTagsCommand */.RmG({ Resources: [imageId, ...snaps], Tags: awsTags(tags) }));
    const s = cfg.share;
    if (s.accounts.length || s.organizations.length || s.organizationalUnits.length) {
        await ec2.send(new dist_cjs/* ModifyImageAttributeCommand */.FE3({
            ImageId: imageId,
            LaunchPermission: {
                Add: [
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
    if (cfg.deprecateAfterMs) {
        await ec2.send(new dist_cjs/* EnableImageDeprecationCommand */.cJk({
            ImageId: imageId,
            DeprecateAt: new Date(Date.now() + cfg.deprecateAfterMs),
        }));
    }
    if (cfg.ssmParameter) {
        await ssm.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
            Name: cfg.ssmParameter,
            Value: imageId,
            Type: 'String',
            DataType: 'aws:ec2:image',
            Overwrite: true,
        }));
    }
    io.info(`${label}: ${imageId} tagged${cfg.ssmParameter ? `, ${cfg.ssmParameter} updated` : ''}${cfg.deprecateAfterMs ? ', deprecation set' : ''}`);
}
/** Keep the newest `retain` golden images of the family; never one in use by an instance or a launch template's default version. */
async function retire(io, ec2, label, family, retain, current, status = 'golden') {
    const imgs = (await ec2.send(new dist_cjs/* DescribeImagesCommand */.ji5({
        Owners: ['self'],
        Filters: [
            { Name: 'tag:ami-bakery:status', Values: [status] },
            { Name: 'tag:ami-bakery:family', Values: [family] },
        ],
    }))).Images ?? [];
    const golden = imgs
        .filter((i) => i.State === 'available')
        .map((i) => ({
        imageId: i.ImageId,
        name: i.Name ?? '',
        creationDate: i.CreationDate ?? '',
        snapshotIds: (i.BlockDeviceMappings ?? [])
            .map((b) => b.Ebs?.SnapshotId)
            .filter((s) => Boolean(s)),
    }));
    const candidates = (0,promote_plan/* retirementCandidates */.uq)(golden, retain, current);
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
        await ec2.send(new dist_cjs/* DeregisterImageCommand */.x2c({ ImageId: c.imageId }));
        for (const s of c.snapshotIds)
            await ec2.send(new dist_cjs/* DeleteSnapshotCommand */.tZN({ SnapshotId: s }));
        io.info(`${label}: retired ${c.imageId} (${c.name}) and ${c.snapshotIds.length} snapshot(s)`);
        n++;
    }
    return n;
}


/***/ })

};
