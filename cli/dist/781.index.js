export const id = 781;
export const ids = [781];
export const modules = {

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

/***/ 69269:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E3: () => (/* binding */ refLabel),
/* harmony export */   LX: () => (/* binding */ compareCisIds),
/* harmony export */   NS: () => (/* binding */ loadChangeMap),
/* harmony export */   XF: () => (/* binding */ refKey),
/* harmony export */   ki: () => (/* binding */ shortRuleId),
/* harmony export */   x5: () => (/* binding */ locate)
/* harmony export */ });
/* unused harmony exports commentTexts, markerIds, idsAfterCis, parseCisReferences, buildChangeMap, DEFAULT_HARDENING_GLOBS */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var fast_glob__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(25648);
/* harmony import */ var fast_glob__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(fast_glob__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(33904);
/* harmony import */ var _workspace_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(42558);
/**
 * The CIS change map: where in the hardening code each CIS benchmark recommendation (or another
 * benchmark's control, or a scanner rule) is implemented.
 *
 * A marker is a comment (`#`, `//`, `;` or `--` at the start of a line or after white space, not
 * inside quotes) that opens with a keyword; it may stand alone or follow code on the same line
 * (`apt-get install -y aide # CIS 1.4.1`). Keywords are matched in any case (`# cis 1.2.3` counts).
 * Recognised:
 *   # CIS 5.2.5                              # CIS 5.2.5, 5.2.6 and 5.2.7
 *   ## CIS 14.04 v2.1.0 change 5.3.3         # CIS Ubuntu 22.04 v1.0.0 change 5.2.5
 *   # CIS Ubuntu 22.04 v1.0.0 5.2.5          // CIS 1.1.1.1-1.1.1.3 (a range of siblings)
 * other benchmarks and rules, for profiles that are not CIS:
 *   # ANSSI BP28(R12)                        # STIG UBTU-22-010000
 *   # rule sshd_set_max_auth_tries           # xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries
 *   # Lynis SSH-7408
 * and ansible-lockdown task names:
 *   - name: "5.2.5 | PATCH | Ensure SSH LogLevel is appropriate"
 *   - name: "SCORED | 1.1.1.1 | PATCH | Ensure mounting of cramfs filesystems is disabled"
 *
 * Pure: `parseCisReferences` takes text and returns references; `loadChangeMap` does the file I/O.
 */






const RULE_PREFIX = /^xccdf_[^_]+_rule_/;
/** An XCCDF rule id without its `xccdf_<namespace>_rule_` prefix (other ids as they are). */
function shortRuleId(id) {
    return id.replace(RULE_PREFIX, '');
}
/** The map key of an id: CIS ids as they are, others as `scheme:ID`. */
function refKey(scheme, id) {
    if (scheme === 'cis')
        return id;
    if (scheme === 'rule')
        return `rule:${shortRuleId(id).toLowerCase()}`;
    return `${scheme}:${id.toUpperCase()}`;
}
/** How a control is named to people: `CIS 5.2.5`, `ANSSI BP28(R12)`, `rule sshd_set_max_auth_tries`. */
function refLabel(scheme, id) {
    const name = { cis: 'CIS', anssi: 'ANSSI', stig: 'STIG', rule: 'rule', lynis: 'Lynis' }[scheme];
    return `${name} ${scheme === 'rule' ? shortRuleId(id) : id}`;
}
const ID = /^\d+(?:\.\d+)+$/;
const RANGE = /^(\d+(?:\.\d+)*\.)(\d+)-(?:\1)?(\d+)$/;
const BENCH_VERSION = /^v\d+(?:\.\d+)*$/i;
const JOINERS = new Set([
    'and',
    '&',
    '/',
    'change',
    'changes',
    'control',
    'controls',
    'rec',
    'recommendation',
    'section',
]);
/**
 * The texts that follow each comment opener of a line (`#`, `//`, `;`, `--` at the start or after
 * white space), leftmost first. Openers inside single or double quotes are code, not comments; once
 * a comment has started, quotes no longer matter (the rest of the line is comment).
 */
function commentTexts(line) {
    const out = [];
    let quote;
    let inComment = false;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (!inComment && quote) {
            if (ch === '\\' && quote === '"')
                i++;
            else if (ch === quote)
                quote = undefined;
            continue;
        }
        if (!inComment && (ch === '"' || ch === "'") && (i === 0 || /[\s=(:,[{]/.test(line[i - 1]))) {
            quote = ch;
            continue;
        }
        if (i > 0 && !/\s/.test(line[i - 1]))
            continue;
        const m = /^(?:#+|\/\/+|;+|--)/.exec(line.slice(i));
        if (!m)
            continue;
        inComment = true;
        out.push(line.slice(i + m[0].length).trimStart());
        i += m[0].length - 1;
    }
    return out;
}
const ANSSI_ID = /^[A-Z]{1,4}\d*\(R\d+\)$|^R\d+$/i;
const STIG_ID = /^[A-Z]{2,8}-\d{2}-\d{6}$|^S?V-\d{4,}$/i;
const LYNIS_ID = /^[A-Z]{2,8}-\d{4}$/i;
const RULE_ID = /^(?:xccdf_[\w.-]+_rule_)?[a-z0-9][a-z0-9_]*$/i;
/** Leading tokens of a marker that match `id` (comma/space separated); prose after them ends it. */
function leadingIds(after, id) {
    const ids = [];
    for (const raw of after.split(/[\s,]+/)) {
        const t = raw.replace(/^["'`[]+|["'`.\]:]+$/g, '');
        if (!t || /^(and|&)$/i.test(t))
            continue;
        if (!id.test(t))
            break;
        ids.push(t);
    }
    return ids;
}
/** The ids a comment's marker names, or none when the comment does not open with a marker. */
function markerIds(comment) {
    const full = /^[[(]?(xccdf_[\w.-]+_rule_[\w.-]+)/.exec(comment);
    if (full)
        return [{ scheme: 'rule', id: full[1] }];
    const m = /^[[(]?(CIS|ANSSI|STIG|Lynis|rule)\b:?/i.exec(comment);
    if (!m)
        return [];
    const after = comment.slice(m[0].length);
    const scheme = m[1].toLowerCase();
    const pattern = { anssi: ANSSI_ID, stig: STIG_ID, lynis: LYNIS_ID, rule: RULE_ID }[scheme];
    const ids = scheme === 'cis' ? idsAfterCis(after) : leadingIds(after, pattern);
    return ids.map((id) => ({ scheme, id }));
}
/** Expand an ID token: `5.2.5`, or a sibling range `5.2.1-5.2.3` / `5.2.1-3`. */
function expand(token) {
    if (ID.test(token))
        return [token];
    const r = RANGE.exec(token);
    if (r) {
        const from = Number(r[2]);
        const to = Number(r[3]);
        if (to >= from && to - from <= 50) {
            return Array.from({ length: to - from + 1 }, (_, i) => `${r[1]}${from + i}`);
        }
    }
    return [];
}
/** IDs in the text following the word "CIS" in a comment. */
function idsAfterCis(after) {
    const tokens = after
        .split(/[\s,;()[\]:]+/)
        .map((t) => t.replace(/^["'`]+|["'`.]+$/g, ''))
        .filter(Boolean);
    const ids = [];
    let expectOsVersion = false;
    let started = false;
    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        const next = tokens[i + 1] ?? '';
        if (BENCH_VERSION.test(t)) {
            expectOsVersion = false;
            if (started)
                break;
            continue;
        }
        const expanded = expand(t);
        if (expanded.length > 0) {
            // "Ubuntu 22.04 ..." or "14.04 v2.1.0 ...": an OS version, not a recommendation.
            if (!started && (expectOsVersion || BENCH_VERSION.test(next))) {
                expectOsVersion = false;
                continue;
            }
            ids.push(...expanded);
            started = true;
            continue;
        }
        if (/^\d+$/.test(t) && !started) {
            // e.g. "Amazon Linux 2": part of the OS name.
            expectOsVersion = false;
            continue;
        }
        if (JOINERS.has(t.toLowerCase()) || t === '-') {
            if (started && t === '-')
                break;
            continue;
        }
        if (/^[A-Za-z][\w+-]*$/.test(t)) {
            if (started)
                break; // prose after the IDs ("Ensure SSH ...")
            if (/^(level|l)\d?$/i.test(t))
                continue;
            expectOsVersion = true; // an OS or product name; a version may follow
            continue;
        }
        if (started)
            break;
    }
    return ids;
}
/** ansible-lockdown style task names: `name: "5.2.5 | PATCH | ..."` (IDs are pipe-separated fields). */
function idsInLockdownName(line) {
    const m = /^\s*(?:-\s*)?name:\s*["']?(.*?)["']?\s*$/.exec(line);
    if (!m || !m[1].includes('|'))
        return [];
    const fields = m[1].split('|').map((f) => f.trim());
    const ids = [];
    for (const f of fields) {
        for (const part of f.split(/\s*,\s*|\s+/))
            ids.push(...expand(part));
    }
    return ids;
}
function parseCisReferences(text, file) {
    const found = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const refs = new Map();
        // A marker opens its comment ("# CIS 5.2.5 ...", "# [CIS 5.2.5]", "cmd # CIS 5.2.5"): prose that
        // merely mentions a recommendation ("this makes the CIS 5.2.6 change fail") is not a change.
        for (const comment of commentTexts(line)) {
            const ids = markerIds(comment);
            for (const r of ids)
                refs.set(refKey(r.scheme, r.id), r);
            if (ids.length)
                break;
        }
        for (const id of idsInLockdownName(line))
            refs.set(id, { scheme: 'cis', id });
        if (refs.size)
            found.push({ line: i + 1, refs });
    }
    const out = [];
    for (let k = 0; k < found.length; k++) {
        const { line, refs } = found[k];
        // The block: the marker's line and what follows, up to the next marker or a blank line.
        let endLine = line;
        const stop = found[k + 1]?.line ?? lines.length + 1;
        while (endLine + 1 < stop && lines[endLine].trim() !== '')
            endLine++;
        for (const r of refs.values()) {
            out.push({
                cisId: r.id,
                ...(r.scheme === 'cis' ? {} : { scheme: r.scheme }),
                file,
                line,
                endLine,
                text: lines[line - 1].trim(),
            });
        }
    }
    return out;
}
/** Numeric-aware ordering of CIS IDs: 1.1.2 < 1.1.10 < 1.2. */
function compareCisIds(a, b) {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? -1) - (pb[i] ?? -1);
        if (d !== 0)
            return d;
    }
    return 0;
}
function buildChangeMap(files) {
    const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    const changes = [];
    for (const f of sorted) {
        hash.update(f.file).update('\0').update(f.text).update('\0');
        changes.push(...parseCisReferences(f.text, f.file));
    }
    const byId = new Map();
    for (const c of changes) {
        const key = refKey(c.scheme ?? 'cis', c.cisId);
        const list = byId.get(key) ?? [];
        list.push(c);
        byId.set(key, list);
    }
    return { changes, files: sorted.map((f) => f.file), sha256: hash.digest('hex'), byId };
}
/**
 * Where a CIS ID is implemented: an exact match, or else the nearest parent section
 * (a `# CIS 5.2` comment covers 5.2.5).
 */
function locate(map, cisId) {
    const exact = map.byId.get(cisId);
    if (exact?.length)
        return { change: exact[0], exact: true, all: exact };
    const parts = cisId.split('.');
    for (let n = parts.length - 1; n >= 2; n--) {
        const parent = map.byId.get(parts.slice(0, n).join('.'));
        if (parent?.length)
            return { change: parent[0], exact: false, all: parent };
    }
    return undefined;
}
const DEFAULT_HARDENING_GLOBS = [
    '**/hardening/**/*.{sh,bash,ps1,yml,yaml,pkr.hcl,tf}',
    '**/scripts/**/*.{sh,bash,ps1}',
    '**/roles/**/tasks/*.{yml,yaml}',
];
/**
 * Expand the `hardening-scripts` globs (relative to the cwd, or absolute; a directory means every
 * file under it) and read the files. Paths in the map are relative to the repository `root` with
 * forward slashes, which is what annotations and SARIF need; files outside the root are refused.
 * With no globs, the default globs search the whole repository.
 */
async function loadChangeMap(globs, where, inputName = 'hardening-scripts') {
    for (const g of globs) {
        if (g.startsWith('!'))
            continue;
        try {
            fast_glob__WEBPACK_IMPORTED_MODULE_3___default().generateTasks(g);
        }
        catch (e) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(inputName, `"${g}" is not a valid glob (${e.message}).`, `e.g. scripts/**/*.sh`);
        }
        if (/[[{]/.test(g) && !balanced(g)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(inputName, `"${g}" is not a valid glob (unbalanced brackets or braces).`, 'e.g. scripts/**/*.sh');
        }
    }
    const found = await (0,_workspace_js__WEBPACK_IMPORTED_MODULE_5__/* .expandRepoGlobs */ .ov)(globs.length ? globs : DEFAULT_HARDENING_GLOBS, {
        root: where.root,
        cwd: globs.length ? where.cwd : where.root,
        input: inputName,
        ignore: ['**/node_modules/**', '**/.git/**', '**/dist/**'],
    });
    if (globs.length && found.length === 0) {
        const dirs = globs.filter((g) => {
            const p = node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(where.cwd ?? process.cwd(), g);
            return node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(p) && node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync(p).isDirectory();
        });
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(inputName, dirs.length
            ? `the directory ${dirs.map((d) => `"${d}"`).join(', ')} has no files (a directory means every file under it).`
            : `no files match ${globs.map((g) => `"${g}"`).join(', ')} (from ${where.cwd ?? process.cwd()}).`, 'point it at your hardening scripts, e.g. "scripts/**/*.sh" (relative to the working directory, or absolute, inside the repository).');
    }
    const files = found.map((rel) => ({
        file: rel,
        text: node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(where.root, rel), 'utf8'),
    }));
    return buildChangeMap(files);
}
function balanced(g) {
    let sq = 0;
    let br = 0;
    for (const ch of g) {
        if (ch === '[')
            sq++;
        if (ch === ']')
            sq--;
        if (ch === '{')
            br++;
        if (ch === '}')
            br--;
        if (sq < 0 || br < 0)
            return false;
    }
    return sq === 0 && br === 0;
}


/***/ }),

/***/ 51770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ExecError: () => (/* binding */ ExecError),
/* harmony export */   exec: () => (/* binding */ exec),
/* harmony export */   groupAlive: () => (/* binding */ groupAlive),
/* harmony export */   reapGroup: () => (/* binding */ reapGroup),
/* harmony export */   shellJoin: () => (/* binding */ shellJoin),
/* harmony export */   shellQuote: () => (/* binding */ shellQuote)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/**
 * Process execution with argv arrays only (never a shell string), streaming output line by line,
 * with timeout and signal forwarding so a cancelled run lets the child clean up.
 */


class ExecError extends Error {
    result;
    constructor(message, result) {
        super(message);
        this.result = result;
        this.name = 'ExecError';
    }
}
function lineSplitter(onLine) {
    let rest = '';
    return {
        push(chunk) {
            if (!onLine)
                return;
            rest += chunk;
            let i = rest.indexOf('\n');
            while (i >= 0) {
                onLine(rest.slice(0, i).replace(/\r$/, ''));
                rest = rest.slice(i + 1);
                i = rest.indexOf('\n');
            }
        },
        end() {
            if (onLine && rest)
                onLine(rest);
            rest = '';
        },
    };
}
function exec(file, args, opts = {}) {
    const maxBuffer = opts.maxBuffer ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
        let child;
        let logFd;
        try {
            if (opts.logFile)
                logFd = node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync(opts.logFile, 'a');
            child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(file, [...args], {
                cwd: opts.cwd,
                env: opts.env ?? process.env,
                stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
                detached: opts.processGroup === true,
            });
        }
        catch (e) {
            reject(new ExecError(`could not start ${file}: ${e.message}`));
            return;
        }
        finally {
            if (logFd !== undefined)
                node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync(logFd);
        }
        if (child.pid)
            opts.onSpawn?.(child.pid);
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        let aborted = false;
        const out = lineSplitter(opts.onStdoutLine);
        const err = lineSplitter(opts.onStderrLine);
        child.stdout?.setEncoding('utf8').on('data', (c) => {
            stdout = (stdout + c).slice(-maxBuffer);
            out.push(c);
        });
        child.stderr?.setEncoding('utf8').on('data', (c) => {
            stderr = (stderr + c).slice(-maxBuffer);
            err.push(c);
        });
        // With a log file: follow it as it grows (stdout and stderr interleaved, as the child wrote them).
        let offset = 0;
        const follow = () => {
            if (!opts.logFile)
                return;
            let fd;
            try {
                fd = node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync(opts.logFile, 'r');
                const size = node_fs__WEBPACK_IMPORTED_MODULE_1__.fstatSync(fd).size;
                if (size > offset) {
                    const buf = Buffer.alloc(size - offset);
                    node_fs__WEBPACK_IMPORTED_MODULE_1__.readSync(fd, buf, 0, buf.length, offset);
                    offset = size;
                    const c = buf.toString('utf8');
                    stdout = (stdout + c).slice(-maxBuffer);
                    out.push(c);
                }
            }
            catch {
                // not there yet
            }
            finally {
                if (fd !== undefined)
                    node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync(fd);
            }
        };
        const follower = opts.logFile ? setInterval(follow, 100) : undefined;
        let killTimer;
        const terminate = () => {
            if (child.exitCode !== null || child.signalCode !== null)
                return;
            child.kill('SIGTERM');
            killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs ?? 30_000);
        };
        const timer = opts.timeoutMs
            ? setTimeout(() => {
                timedOut = true;
                terminate();
            }, opts.timeoutMs)
            : undefined;
        const onAbort = () => {
            aborted = true;
            terminate();
        };
        if (opts.signal) {
            if (opts.signal.aborted)
                onAbort();
            else
                opts.signal.addEventListener('abort', onAbort, { once: true });
        }
        child.on('error', (e) => {
            clearInterval(follower);
            clearTimeout(timer);
            clearTimeout(killTimer);
            opts.signal?.removeEventListener('abort', onAbort);
            const hint = e.code === 'ENOENT' ? ` (is ${file} installed and on PATH?)` : '';
            reject(new ExecError(`could not run ${file}: ${e.message}${hint}`));
        });
        // Leftovers in the group can hold our stdout/stderr open, so 'close' would wait for them:
        // reap on 'exit' (the child itself is gone), then finish on 'close'.
        let reaping = Promise.resolve(undefined);
        child.on('exit', () => {
            const stopped = aborted || timedOut;
            if (opts.processGroup && child.pid && (opts.reap !== 'stopped' || stopped))
                reaping = reapGroup(child.pid, Math.min(opts.killGraceMs ?? 10_000, 10_000));
        });
        child.on('close', async (code, signal) => {
            clearTimeout(timer);
            clearTimeout(killTimer);
            opts.signal?.removeEventListener('abort', onAbort);
            clearInterval(follower);
            follow();
            out.end();
            err.end();
            const reaped = await reaping;
            resolve({ code, signal, stdout, stderr, timedOut, aborted, reaped });
        });
    });
}
function groupAlive(pgid) {
    try {
        process.kill(-pgid, 0);
        return true;
    }
    catch {
        return false;
    }
}
/** SIGTERM what is left in a process group, wait for it to go, SIGKILL after `graceMs`. */
async function reapGroup(pgid, graceMs) {
    if (!groupAlive(pgid))
        return false;
    try {
        process.kill(-pgid, 'SIGTERM');
    }
    catch {
        return false;
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(pgid) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pgid)) {
        try {
            process.kill(-pgid, 'SIGKILL');
        }
        catch {
            // gone meanwhile
        }
    }
    return true;
}
/** Quote one argument for a POSIX shell (used only where a remote shell is unavoidable: SSH exec). */
function shellQuote(arg) {
    if (/^[A-Za-z0-9_\-./:=@%+]+$/.test(arg))
        return arg;
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}
function shellJoin(argv) {
    return argv.map(shellQuote).join(' ');
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

/***/ 42558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   jv: () => (/* binding */ repoRoot),
/* harmony export */   ov: () => (/* binding */ expandRepoGlobs),
/* harmony export */   p0: () => (/* binding */ insideRoot),
/* harmony export */   qN: () => (/* binding */ repoPath)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(31421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var fast_glob__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(25648);
/* harmony import */ var fast_glob__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(fast_glob__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(33904);
/**
 * Paths as the reviewer sees them: relative to the repository root, whatever the cwd, with forward
 * slashes and no `./`. The root is GITHUB_WORKSPACE, else the git top level, else the cwd.
 * Globs may be relative (to the cwd) or absolute; what they match must lie inside the root.
 */





const roots = new Map();
function repoRoot(env = process.env, cwd = process.cwd()) {
    const key = `${env.GITHUB_WORKSPACE ?? ''}\0${cwd}`;
    let root = roots.get(key);
    if (!root) {
        root = findRoot(env, cwd);
        roots.set(key, root);
    }
    return root;
}
function findRoot(env, cwd) {
    if (env.GITHUB_WORKSPACE)
        return realpath(node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(cwd, env.GITHUB_WORKSPACE));
    try {
        const top = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFileSync)('git', ['rev-parse', '--show-toplevel'], {
            cwd,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
        if (top)
            return realpath(top);
    }
    catch {
        // not a git checkout (or no git): the cwd is the root
    }
    return realpath(cwd);
}
function realpath(p) {
    try {
        return node_fs__WEBPACK_IMPORTED_MODULE_1__.realpathSync(p);
    }
    catch {
        return node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(p);
    }
}
/** `abs` relative to `root` (posix), or undefined when it lies outside. */
function insideRoot(root, abs) {
    const rel = node_path__WEBPACK_IMPORTED_MODULE_2__.relative(root, realpath(abs));
    if (rel === '')
        return '.';
    if (rel.startsWith('..') || node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute(rel))
        return undefined;
    return rel.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/');
}
/** A path the user gave (relative to the cwd, or absolute) as a repository path; refused outside the root. */
function repoPath(root, given, input, cwd = process.cwd()) {
    const rel = insideRoot(root, node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(cwd, given));
    if (rel === undefined) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(input, `"${given}" is outside the repository (${root}).`, 'give files inside the repository (GITHUB_WORKSPACE); nothing outside it is read into reports.');
    }
    return rel;
}
/**
 * Expand globs (relative to `cwd`, or absolute; a directory means every file under it) into
 * repository-relative paths, sorted and unique. A file outside the root is an InputError.
 */
async function expandRepoGlobs(patterns, opts) {
    const cwd = opts.cwd ?? process.cwd();
    const absPatterns = [];
    const negations = [];
    for (const p of patterns) {
        const neg = p.startsWith('!');
        const body = neg ? p.slice(1) : p;
        let abs = node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute(body) ? body : `${fast_glob__WEBPACK_IMPORTED_MODULE_3___default().escapePath(cwd.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/'))}/${body}`;
        const literal = node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(cwd, body);
        if (!fast_glob__WEBPACK_IMPORTED_MODULE_3___default().isDynamicPattern(body) && node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync(literal) && node_fs__WEBPACK_IMPORTED_MODULE_1__.statSync(literal).isDirectory())
            abs = `${fast_glob__WEBPACK_IMPORTED_MODULE_3___default().escapePath(literal.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/'))}/**/*`;
        (neg ? negations : absPatterns).push(node_path__WEBPACK_IMPORTED_MODULE_2__.posix.normalize(abs));
    }
    const found = await fast_glob__WEBPACK_IMPORTED_MODULE_3___default()(absPatterns, {
        onlyFiles: true,
        dot: false,
        absolute: true,
        ignore: [...(opts.ignore ?? []), ...negations],
        followSymbolicLinks: false,
    });
    const out = new Set();
    const outside = [];
    for (const f of found) {
        const rel = insideRoot(opts.root, f);
        if (rel === undefined)
            outside.push(f);
        else
            out.add(rel);
    }
    if (outside.length) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(opts.input, `matches ${outside.length} file(s) outside the repository (${opts.root}), e.g. "${outside[0]}".`, 'give globs for files inside the repository (GITHUB_WORKSPACE); nothing outside it is read into reports.');
    }
    return [...out].sort();
}


/***/ })

};
