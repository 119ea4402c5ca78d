export const id = 673;
export const ids = [673];
export const modules = {

/***/ 94206:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Y: () => (/* binding */ clientToken),
/* harmony export */   BL: () => (/* binding */ parseRequire),
/* harmony export */   DR: () => (/* binding */ evaluateGate),
/* harmony export */   F1: () => (/* binding */ parseAge),
/* harmony export */   I9: () => (/* binding */ parseAccounts),
/* harmony export */   LC: () => (/* binding */ parseShareWith),
/* harmony export */   Q0: () => (/* binding */ classifyCopies),
/* harmony export */   Tf: () => (/* binding */ parseRegions),
/* harmony export */   gU: () => (/* binding */ renderName),
/* harmony export */   jF: () => (/* binding */ parseKmsKeys),
/* harmony export */   kk: () => (/* binding */ nameFamily),
/* harmony export */   mR: () => (/* binding */ amisOf),
/* harmony export */   oe: () => (/* binding */ destinationTags),
/* harmony export */   uq: () => (/* binding */ retirementCandidates),
/* harmony export */   yk: () => (/* binding */ kmsKeyFor)
/* harmony export */ });
/* unused harmony exports MAX_AGE_MS, DEFAULT_REQUIRE */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(29072);
/* harmony import */ var _shared_src_aws_validate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11850);
/* harmony import */ var _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(33904);
/**
 * Promote's pure logic: its configuration, input parsing, the provenance gate, the destination plan,
 * the tags copies carry, and which old images retention may retire. No AWS calls here.
 */




function parseAccounts(list, input = 'accounts') {
    for (const a of list) {
        if (!/^\d{12}$/.test(a))
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `"${a}" is not a 12-digit AWS account id.`, 'list account ids such as 123456789012, one per line.');
    }
    return [...new Set(list)];
}
function parseRegions(list, input = 'regions') {
    for (const r of list)
        (0,_shared_src_aws_validate_js__WEBPACK_IMPORTED_MODULE_2__/* .validateRegion */ .jq)(input, r);
    return [...new Set(list)];
}
/** `region=key`, `account:region=key` lines, or a JSON object of the same keys. */
function parseKmsKeys(raw, input = 'kms-key-ids') {
    const out = new Map();
    const t = raw.trim();
    if (!t)
        return out;
    let entries;
    if (t.startsWith('{')) {
        try {
            entries = Object.entries(JSON.parse(t)).map(([k, v]) => [k, String(v)]);
        }
        catch (e) {
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `is not valid JSON: ${e.message}.`, 'use {"us-east-1":"alias/golden-ami"} or region=key lines.');
        }
    }
    else {
        entries = t
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('#'))
            .map((l) => {
            const eq = l.indexOf('=');
            if (eq <= 0)
                throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `"${l}" is not region=key.`, 'e.g. eu-west-1=alias/golden-ami or 123456789012:eu-west-1=arn:aws:kms:...');
            return [l.slice(0, eq).trim(), l.slice(eq + 1).trim()];
        });
    }
    for (const [k, v] of entries) {
        const m = /^(?:(\d{12}):)?([a-z0-9-]+)$/.exec(k);
        if (!m)
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `"${k}" is not a region or account:region.`, 'e.g. eu-west-1 or 123456789012:eu-west-1');
        parseRegions([m[2]], input);
        if (!/^(alias\/[\w/_-]+|[0-9a-f-]{36}|arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[\w/_-]+)|mrk-[0-9a-f]{32})$/.test(v)) {
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `"${v}" (for ${k}) is not a KMS key id, ARN or alias.`, 'use a key id, key ARN, alias/name or alias ARN.');
        }
        out.set(k, v);
    }
    return out;
}
function kmsKeyFor(keys, account, region) {
    return keys.get(`${account}:${region}`) ?? keys.get(region);
}
function parseShareWith(list, input = 'share-with') {
    const out = { accounts: [], organizations: [], organizationalUnits: [] };
    for (const v of list) {
        if (/^\d{12}$/.test(v))
            out.accounts.push(v);
        else if (/^arn:aws[\w-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/.test(v))
            out.organizations.push(v);
        else if (/^arn:aws[\w-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/.test(v))
            out.organizationalUnits.push(v);
        else
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, `"${v}" is not an account id, organization ARN or OU ARN.`, 'e.g. 123456789012, arn:aws:organizations::111122223333:organization/o-abc123def4');
    }
    return out;
}
/** AWS refuses a deprecation time more than 10 years ahead. */
const MAX_AGE_MS = 10 * 365 * 86_400_000;
/** "90d", "12h", "2w" → milliseconds: more than zero, at most 10 years. */
function parseAge(raw, input, maxMs = MAX_AGE_MS) {
    if (!raw)
        return undefined;
    const m = /^(\d{1,7})\s*([hdw])$/.exec(raw.trim());
    const ms = m ? Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]] : Number.NaN;
    if (!m || !(ms > 0) || ms > maxMs)
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(input, m ? `"${raw}" is ${ms > 0 ? 'longer than 10 years' : 'zero'}.` : `"${raw}" is not a duration.`, 'use hours, days or weeks above zero and within 10 years, e.g. 90d, 36h, 4w (leave it empty for none).');
    return ms;
}
/** The destination name: `{date}` (YYYYMMDD), `{time}` (HHMMSS), `{sha}` (7), `{source}` (source AMI name). */
function renderName(template, ctx) {
    const iso = ctx.now.toISOString();
    const name = (template || '{source}')
        .replace(/\{date\}/g, iso.slice(0, 10).replace(/-/g, ''))
        .replace(/\{time\}/g, iso.slice(11, 19).replace(/:/g, ''))
        .replace(/\{sha\}/g, ctx.sha.slice(0, 7))
        .replace(/\{source\}/g, ctx.sourceName);
    if (!/^[\w ()./\-'@]{3,128}$/.test(name)) {
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('name', `"${name}" is not a valid AMI name (3–128 of letters, digits, ( ) . - / ' @ _ and spaces).`, 'e.g. golden-ubuntu-22.04-{date}-{sha}');
    }
    return name;
}
/** The family of a name template: the text before its first placeholder (for retention). */
function nameFamily(template, sourceName) {
    const t = template || '{source}';
    const i = t.search(/\{(date|time|sha)\}/);
    return (i >= 0 ? t.slice(0, i) : t).replace(/\{source\}/g, sourceName);
}
/** The gate when `require` is empty or blank: an empty gate input never lets everything through. */
const DEFAULT_REQUIRE = 'verify=passed,scan=passed';
/**
 * `verify=passed,scan=passed,score>=80` → tag requirements (score is ami-bakery:cis-score).
 * Empty or blank means the default gate; `none` (alone) turns the gate off, explicitly ([]).
 */
function parseRequire(raw) {
    const text = raw.trim() || DEFAULT_REQUIRE;
    if (text.toLowerCase() === 'none')
        return [];
    return text
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean)
        .map((r) => {
        if (r.toLowerCase() === 'none')
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('require', '"none" turns the gate off and stands alone.', 'use require: none alone, or list the requirements.');
        const m = /^([\w:-]+)\s*(>=|=)\s*([^=<>!\s][^=<>!]*)$/.exec(r);
        if (!m)
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('require', `"${r}" is not key=value or key>=number.`, 'e.g. verify=passed,scan=passed,score>=80');
        const key = m[1].includes(':') ? m[1] : m[1] === 'score' ? _shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.cisScore : `${_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_PREFIX */ .C_}${m[1]}`;
        if (m[2] === '>=' && !Number.isFinite(Number(m[3])))
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz('require', `"${r}": ${m[3]} is not a number.`, 'e.g. score>=80');
        return { key, op: m[2], value: m[3].trim(), raw: r };
    });
}
/** Which stage writes each provenance tag, for the gate's message. */
const SET_BY = {
    [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.verify]: 'written by action-verify when it knows the region, tag-ami',
    [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.scan]: 'written by action-scan when given ami-id',
    [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.cisScore]: 'written by action-scan when given ami-id',
};
function evaluateGate(reqs, tags) {
    const problems = [];
    for (const r of reqs) {
        const have = tags[r.key];
        if (have === undefined)
            problems.push(`${r.raw}: the AMI has no ${r.key} tag${SET_BY[r.key] ? ` (${SET_BY[r.key]})` : ''}`);
        else if (r.op === '=' && have !== r.value)
            problems.push(`${r.raw}: ${r.key} is "${have}"`);
        else if (r.op === '>=' && !(Number(have) >= Number(r.value)))
            problems.push(`${r.raw}: ${r.key} is ${have}`);
    }
    return problems;
}
/**
 * CopyImage's idempotency token for one run's copy of a source to an account and region: it makes
 * the SDK's retries of one call safe. Across runs, earlier copies are found by their source tag (a
 * token reused after a failed copy would return that failed copy).
 */
function clientToken(sourceAmi, account, region, run) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update([sourceAmi, account, region, run].join('/')).digest('hex').slice(0, 64);
}
/** The images past the newest `retain` (sorted newest first); `keep` always survives. */
function retirementCandidates(images, retain, keep) {
    const sorted = [...images].sort((a, b) => a.creationDate < b.creationDate
        ? 1
        : a.creationDate > b.creationDate
            ? -1
            : a.imageId < b.imageId
                ? 1
                : -1);
    const kept = new Set(sorted.slice(0, retain).map((i) => i.imageId));
    kept.add(keep);
    return sorted.filter((i) => !kept.has(i.imageId));
}
/**
 * The tags every copy carries: the source's own `ami-bakery:*` provenance, the user's tags, and the
 * copy's lineage; `gate=none` when the gate was turned off. Status is added per phase.
 */
function destinationTags(sourceTags, cfg, family) {
    const provenance = {};
    for (const [k, v] of Object.entries(sourceTags))
        if (k.startsWith(_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG_PREFIX */ .C_))
            provenance[k] = v;
    return {
        ...provenance,
        ...cfg.tags,
        [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.sourceAmi]: cfg.amiId,
        [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.sourceRegion]: cfg.sourceRegion,
        [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.family]: family,
        ...(cfg.require.length ? {} : { [_shared_src_aws_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .TAG */ .Dk.gate]: 'none' }),
    };
}
/** Earlier copies of a source in one destination: the one to reuse (available, else pending) and the broken rest. */
function classifyCopies(found, amiId) {
    const mine = found.filter((i) => i.ImageId !== amiId && i.State !== 'deregistered');
    const usable = mine.find((i) => i.State === 'available') ?? mine.find((i) => i.State === 'pending');
    const broken = mine.filter((i) => i !== usable && i.State !== 'available' && i.State !== 'pending');
    return { usable, broken };
}
/** `{ account: { region: amiId } }` of the destinations that have an image. */
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


/***/ }),

/***/ 81673:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   promoteSummary: () => (/* binding */ promoteSummary),
/* harmony export */   readConfig: () => (/* binding */ readConfig),
/* harmony export */   runPromote: () => (/* binding */ runPromote)
/* harmony export */ });
/* harmony import */ var _shared_src_aws_validate_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(11850);
/* harmony import */ var _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(33904);
/* harmony import */ var _shared_src_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(39554);
/* harmony import */ var _shared_src_vars_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(33329);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(94206);
/**
 * action-promote: gate on provenance, plan every destination (account × region), copy encrypted
 * (reusing copies that already exist, so a re-run after a crash creates no duplicates), tag images and
 * snapshots, share, publish to SSM, deprecate and retire old golden images.
 *
 * This module validates the inputs (no AWS SDK loaded, so bad input fails fast), fanout.ts does the
 * work and returns typed results, and this module turns them into outputs and the summary.
 */





function readConfig(io) {
    const inp = new _shared_src_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0(io);
    const amiId = (0,_shared_src_aws_validate_js__WEBPACK_IMPORTED_MODULE_0__/* .validateAmiId */ .VC)('ami-id', inp.required('ami-id', 'ami-0123456789abcdef0'));
    const sourceRegion = (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRegions */ .Tf)([(0,_shared_src_aws_validate_js__WEBPACK_IMPORTED_MODULE_0__/* .regionFromEnv */ .Yl)(inp.string('source-region'), io.env) ?? ''].filter(Boolean), 'source-region')[0];
    if (!sourceRegion)
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('source-region', 'is empty and AWS_REGION is not set.', 'set source-region to the region of ami-id.');
    const regions = (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRegions */ .Tf)(inp.list('regions').length ? inp.list('regions') : [sourceRegion]);
    const accounts = (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseAccounts */ .I9)(inp.list('accounts'));
    const roleName = inp.string('role-name');
    let roleArnTemplate = inp.string('role-arn-template') || undefined;
    if (roleName) {
        if (!/^[\w+=,.@/-]{1,64}$/.test(roleName))
            throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('role-name', `"${roleName}" is not an IAM role name.`, 'e.g. ami-promoter');
        roleArnTemplate ??= `arn:aws:iam::{account}:role/${roleName}`;
    }
    if (roleArnTemplate && !/^arn:aws[\w-]*:iam::\{account\}:role\/[\w+=,.@/-]+$/.test(roleArnTemplate)) {
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('role-arn-template', `"${roleArnTemplate}" must be an IAM role ARN with {account}.`, 'e.g. arn:aws:iam::{account}:role/ami-promoter');
    }
    const kmsKeys = (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseKmsKeys */ .jF)(inp.string('kms-key-ids'));
    const encrypt = inp.string('encrypt') === '' ? true : inp.boolean('encrypt');
    if (encrypt && kmsKeys.size) {
        for (const r of regions) {
            const accountsToCheck = accounts.length ? accounts : [''];
            for (const a of accountsToCheck) {
                if (!(0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .kmsKeyFor */ .yk)(kmsKeys, a, r)) {
                    throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('kms-key-ids', `has no key for ${a ? `${a}:` : ''}${r}.`, `add a line ${r}=alias/<key> (or ${a || '<account>'}:${r}=...), or leave kms-key-ids empty to use each account's default EBS key.`);
                }
            }
        }
    }
    const tags = {};
    for (const { key, value } of (0,_shared_src_vars_js__WEBPACK_IMPORTED_MODULE_3__/* .parseVars */ .u)(inp.string('tags'), 'tags'))
        tags[key] = value;
    const ssmParameter = inp.string('ssm-parameter') || undefined;
    if (ssmParameter && !/^\/?[\w.\-/]{1,1011}$/.test(ssmParameter)) {
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('ssm-parameter', `"${ssmParameter}" is not an SSM parameter name.`, 'e.g. /golden/ubuntu-22.04/latest');
    }
    const deprecateAfterMs = (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseAge */ .F1)(inp.string('deprecate-after'), 'deprecate-after');
    const retain = inp.number('retain', 1, 1000);
    if (retain !== undefined && !Number.isInteger(retain))
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('retain', `"${retain}" is not a whole number.`, 'e.g. retain: 3');
    const maxConcurrency = inp.number('max-concurrency', 1, 100) ?? 5;
    if (!Number.isInteger(maxConcurrency))
        throw new _shared_src_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('max-concurrency', `"${maxConcurrency}" is not a whole number.`, 'e.g. max-concurrency: 5');
    // The name template is rendered now, with a stand-in source name, so a bad one fails before any call.
    (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .renderName */ .gU)(inp.string('name'), { sha: '0000000', sourceName: 'source-name', now: new Date() });
    return {
        amiId,
        sourceRegion,
        regions,
        accounts,
        roleArnTemplate,
        kmsKeys,
        encrypt,
        share: (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseShareWith */ .LC)(inp.list('share-with')),
        tags,
        nameTemplate: inp.string('name'),
        ssmParameter,
        deprecateAfterMs,
        retain,
        maxConcurrency: Math.floor(maxConcurrency),
        require: (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRequire */ .BL)(inp.string('require')),
        dryRun: inp.boolean('dry-run'),
        deadlineMs: (inp.number('deadline', 1, 7 * 24 * 60) ?? 180) * 60_000,
    };
}
async function runPromote(io, signal) {
    const cfg = readConfig(io);
    const { promoteWith } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(102)]).then(__webpack_require__.bind(__webpack_require__, 76102));
    const result = await promoteWith(io, cfg, signal);
    await report(io, cfg, result);
}
/** Outputs and the job summary, counted from the typed results; a failed destination fails the step. */
async function report(io, cfg, r) {
    if (r.dryRun) {
        const have = r.plan.filter((d) => d.state === 'exists' || d.state === 'source');
        io.setOutput('amis', JSON.stringify((0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .amisOf */ .mR)(have)));
        io.setOutput('copied', 0);
        io.setOutput('reused', r.plan.filter((d) => d.state === 'exists' || d.state === 'pending').length);
        io.setOutput('retired', 0);
        io.setOutput('failed', 0);
        return;
    }
    const { results } = r;
    const ok = results.filter((x) => x.outcome !== 'failed');
    const failed = results.filter((x) => x.outcome === 'failed');
    io.setOutput('amis', JSON.stringify(failed.length ? {} : (0,_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .amisOf */ .mR)(ok)));
    io.setOutput('copied', results.filter((x) => x.outcome === 'copied').length);
    io.setOutput('reused', results.filter((x) => x.outcome === 'reused').length);
    io.setOutput('retired', results.reduce((n, x) => n + x.retired, r.buildRetired));
    io.setOutput('failed', failed.length);
    await io.appendSummary(promoteSummary(cfg, r));
    if (failed.length)
        throw new Error(`${failed.length} of ${r.plan.length} destination(s) failed (${failed.map((x) => `${x.account}/${x.region}: ${x.error}`).join('; ')}). Nothing was tagged golden. Done: ${ok.map((x) => `${x.account}/${x.region}`).join(', ') || 'none'}. Re-run promote to resume: available copies are reused, failed ones replaced.`);
}
/** The job summary's table: one row per destination, and what a re-run does when one failed. */
function promoteSummary(cfg, r) {
    const { results } = r;
    const ok = results.filter((x) => x.outcome !== 'failed');
    const failed = results.filter((x) => x.outcome === 'failed');
    const status = (x) => x.outcome === 'failed'
        ? `❌ ${x.error ?? 'failed'}`
        : failed.length
            ? 'available, not golden yet'
            : 'golden';
    return [
        '## ami-bakery promote',
        '',
        `\`${cfg.amiId}\` (${cfg.sourceRegion}) → **${r.name}**${cfg.require.length ? '' : ' — ⚠️ gate off (require: none)'}`,
        '',
        '| account | region | outcome | AMI | time | status | retired |',
        '|---|---|---|---|---:|---|---:|',
        ...results.map((x) => `| ${x.account} | ${x.region} | ${x.outcome} | ${x.imageId ? `\`${x.imageId}\`` : '—'} | ${x.seconds} s | ${status(x).replace(/\|/g, '\\|')} | ${x.retired} |`),
        '',
        failed.length
            ? `${failed.length} of ${results.length} destination(s) failed, so nothing was tagged golden. Done: ${ok.map((x) => `${x.account}/${x.region}`).join(', ') || 'none'}. A re-run resumes: it reuses the available copies, replaces failed ones, and tags all of them golden once every destination is available.`
            : `All ${results.length} destination(s) are golden.`,
        '',
    ].join('\n');
}


/***/ }),

/***/ 29072:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C_: () => (/* binding */ TAG_PREFIX),
/* harmony export */   Dk: () => (/* binding */ TAG),
/* harmony export */   Ez: () => (/* binding */ toAwsTags),
/* harmony export */   Qt: () => (/* binding */ snapshotIdsOf),
/* harmony export */   ZH: () => (/* binding */ awsErrorName),
/* harmony export */   m_: () => (/* binding */ isAwsError),
/* harmony export */   rK: () => (/* binding */ imageTags)
/* harmony export */ });
const TAG_PREFIX = 'ami-bakery:';
const TAG = {
    /** bake: the commit, run and template the image was built from. */
    commit: 'ami-bakery:commit',
    runUrl: 'ami-bakery:run-url',
    template: 'ami-bakery:template',
    /** bake: how many CIS changes the hardening files carry, and their hash. */
    cisChanges: 'ami-bakery:cis-changes',
    hardeningSha: 'ami-bakery:hardening-sha',
    /**
     * The image this one came from. On a baked AMI: the base (source) AMI Packer started from.
     * On a promoted copy: the baked AMI it was copied from (promote finds its copies by it).
     */
    sourceAmi: 'ami-bakery:source-ami',
    /** verify / scan verdicts, read by promote's gate. */
    verify: 'ami-bakery:verify',
    scan: 'ami-bakery:scan',
    cisScore: 'ami-bakery:cis-score',
    cisProfile: 'ami-bakery:cis-profile',
    /** promote: candidate → golden on copies; promoted on an encrypted promote's build AMI. */
    status: 'ami-bakery:status',
    sourceRegion: 'ami-bakery:source-region',
    family: 'ami-bakery:family',
    /** promote: `none` when the provenance gate was turned off explicitly. */
    gate: 'ami-bakery:gate',
    /** scan in-use: a re-scan found the image vulnerable. */
    vulnerable: 'ami-bakery:vulnerable',
    vulnerableSince: 'ami-bakery:vulnerable-since',
    vulnerableReason: 'ami-bakery:vulnerable-reason',
};
/** `{ key: value }` → the SDK's `[{ Key, Value }]`. */
function toAwsTags(tags) {
    return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
/** An image's tags as a plain object. */
function imageTags(img) {
    return Object.fromEntries((img?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
/** The EBS snapshots behind an image. */
function snapshotIdsOf(img) {
    return (img?.BlockDeviceMappings ?? [])
        .map((b) => b.Ebs?.SnapshotId)
        .filter((s) => Boolean(s));
}
/** The error code of an AWS SDK error (`name`, or `Code` on some XML errors); '' for anything else. */
function awsErrorName(e) {
    return e.name ?? e.Code ?? '';
}
/** Whether `e` is an AWS error whose code matches `code` (e.g. /InvalidAMIID/ or 'ResourceLimitExceeded'). */
function isAwsError(e, code) {
    const name = awsErrorName(e);
    return typeof code === 'string' ? name === code : code.test(name);
}


/***/ }),

/***/ 11850:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  iu: () => (/* binding */ REGION_FORM),
  Yl: () => (/* binding */ regionFromEnv),
  Zv: () => (/* binding */ resolveRegion),
  VC: () => (/* binding */ validateAmiId),
  jq: () => (/* binding */ validateRegion)
});

// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(33904);
;// CONCATENATED MODULE: ./shared/src/aws/regions.ts
/** AWS regions (commercial, GovCloud, China). An unknown name is a typo, caught before any call. */
const AWS_REGIONS = new Set([
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'eu-south-1',
    'eu-south-2',
    'eu-north-1',
    'il-central-1',
    'me-south-1',
    'me-central-1',
    'mx-central-1',
    'sa-east-1',
    'us-gov-east-1',
    'us-gov-west-1',
    'cn-north-1',
    'cn-northwest-1',
]);

;// CONCATENATED MODULE: ./shared/src/aws/validate.ts
/** Input validation for AWS values, without loading the AWS SDK (keeps action start-up fast). */


const AMI_ID = /^ami-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
/** The form of a region code, unanchored (for patterns that contain one, such as Packer's `region:ami` pairs). */
const REGION_FORM = '[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d';
const REGION = new RegExp(`^${REGION_FORM}$`);
function validateAmiId(input, value) {
    if (!AMI_ID.test(value)) {
        throw new errors/* InputError */.dz(input, `"${value}" is not an AMI id.`, 'use the form ami-0123456789abcdef0 (bake outputs it as ami-id).');
    }
    return value;
}
/** A region name of the right form that AWS has (an unknown one, e.g. us-east-9, is a typo). */
function validateRegion(input, value) {
    if (!REGION.test(value)) {
        throw new errors/* InputError */.dz(input, `"${value}" is not an AWS region name.`, 'use a region code such as us-east-1 or eu-west-2.');
    }
    if (!AWS_REGIONS.has(value)) {
        const near = [...AWS_REGIONS]
            .filter((x) => x.startsWith(value.split('-').slice(0, 2).join('-')))
            .slice(0, 6);
        throw new errors/* InputError */.dz(input, `"${value}" is not an AWS region.`, `use region codes such as us-east-1${near.length ? ` (${near.join(', ')})` : ''}.`);
    }
    return value;
}
/** The region from an input value, else AWS_REGION / AWS_DEFAULT_REGION; undefined when none (not validated). */
function regionFromEnv(value, env) {
    return value || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}
/** The region from an input, else AWS_REGION / AWS_DEFAULT_REGION; an error naming the input when none. */
function resolveRegion(input, value, env) {
    const r = regionFromEnv(value, env);
    if (!r) {
        throw new errors/* InputError */.dz(input, 'no region given and AWS_REGION is not set.', `set ${input}, or run aws-actions/configure-aws-credentials first.`);
    }
    return validateRegion(input, r);
}


/***/ }),

/***/ 39554:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cg: () => (/* binding */ checkPath),
/* harmony export */   G0: () => (/* binding */ Inputs)
/* harmony export */ });
/* unused harmony export splitList */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(33904);
/**
 * Typed, validated inputs. Every error names the input, what was wrong, and how to fix it,
 * and is an InputError (exit code 2) so nothing is started on bad input.
 */


class Inputs {
    io;
    constructor(io) {
        this.io = io;
    }
    string(name) {
        return this.io.getInput(name);
    }
    required(name, example) {
        const v = this.io.getInput(name);
        if (!v)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, 'is required but was empty.', `set it, e.g. ${name}: ${example}`);
        return v;
    }
    boolean(name) {
        const v = this.io.getInput(name).toLowerCase();
        if (v === '' || v === 'false' || v === 'no' || v === '0')
            return false;
        if (v === 'true' || v === 'yes' || v === '1')
            return true;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${v}" is not a boolean.`, 'use true or false.');
    }
    /** A number in [min, max]; undefined when empty. */
    number(name, min, max) {
        const raw = this.io.getInput(name);
        if (raw === '')
            return undefined;
        // Plain decimals only: Number() would also take 0x10, 1e3 or "Infinity".
        const n = /^-?\d+(?:\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isFinite(n) || n < min || n > max) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${raw}" is not a number from ${min} to ${max}.`, `e.g. ${name}: ${max}`);
        }
        return n;
    }
    /** A list: one item per line or comma-separated; blank items and `#` comments dropped. */
    list(name) {
        return splitList(this.io.getInput(name));
    }
    oneOf(name, allowed) {
        const v = this.io.getInput(name);
        if (!allowed.includes(v)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${v}" is not one of ${allowed.join(', ')}.`, `use one of: ${allowed.join(', ')}.`);
        }
        return v;
    }
    /** A path that must exist (file or directory as asked); '' → undefined. */
    existingPath(name, kind = 'any') {
        const p = this.io.getInput(name);
        if (!p)
            return undefined;
        return checkPath(name, p, kind);
    }
}
function checkPath(name, p, kind) {
    let st;
    try {
        st = node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync(p);
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${p}" does not exist (relative paths are from ${process.cwd()}).`, 'check the path.');
    }
    if (kind === 'file' && !st.isFile())
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${p}" is not a file.`, 'give a file path.');
    if (kind === 'directory' && !st.isDirectory()) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(name, `"${p}" is not a directory.`, 'give a directory path.');
    }
    return p;
}
function splitList(raw) {
    return raw
        .split(/\r?\n/)
        .flatMap((line) => (line.trim().startsWith('#') ? [] : line.split(',')))
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}


/***/ }),

/***/ 33329:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ parseVars)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33904);
/** `vars` inputs (bake, verify): one `key=value` per line. Pure. */

function parseVars(text, input = 'vars') {
    const out = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const eq = line.indexOf('=');
        if (eq <= 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `line ${i + 1} "${line}" is not key=value.`, 'write one variable per line, e.g. region=us-east-1');
        }
        const key = line.slice(0, eq).trim();
        if (!/^[A-Za-z_][\w-]*$/.test(key)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `line ${i + 1}: "${key}" is not a variable name.`, 'use letters, digits, _ and -, e.g. source_ami=ami-0123456789abcdef0');
        }
        out.push({ key, value: line.slice(eq + 1).trim() });
    });
    return out;
}


/***/ })

};
