export const id = 37;
export const ids = [37];
export const modules = {

/***/ 45875:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ isGzip),
/* harmony export */   openStream: () => (/* binding */ openStream),
/* harmony export */   z: () => (/* binding */ readHead)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(38522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_1__);
/** Reading result files as streams (optionally gzip-compressed), so size never dictates memory. */


/** The first `n` bytes of a file, decompressed when it is gzip. */
async function readHead(file, n = 64 * 1024) {
    const chunks = [];
    let size = 0;
    const stream = openStream(file);
    try {
        for await (const chunk of stream) {
            const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
            chunks.push(b);
            size += b.length;
            if (size >= n)
                break;
        }
    }
    catch {
        // a truncated gzip still gives us its head; parse errors surface later with context
    }
    finally {
        stream.destroy();
    }
    return Buffer.concat(chunks).subarray(0, n).toString('utf8');
}
function isGzip(file) {
    const fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(file, 'r');
    try {
        const b = Buffer.alloc(2);
        node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(fd, b, 0, 2, 0);
        return b[0] === 0x1f && b[1] === 0x8b;
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}
function openStream(file) {
    const raw = node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream(file, { highWaterMark: 256 * 1024 });
    if (!isGzip(file))
        return raw;
    const gunzip = (0,node_zlib__WEBPACK_IMPORTED_MODULE_1__.createGunzip)();
    raw.on('error', (e) => gunzip.destroy(e));
    return raw.pipe(gunzip);
}


/***/ }),

/***/ 15037:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deliveryNote: () => (/* binding */ deliveryNote),
  profileLabel: () => (/* binding */ profileLabel),
  readConfig: () => (/* binding */ readConfig),
  runScan: () => (/* binding */ runScan)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/fast-glob/out/index.js
var out = __webpack_require__(25648);
var out_default = /*#__PURE__*/__webpack_require__.n(out);
// EXTERNAL MODULE: ./shared/src/aws/tags.ts
var aws_tags = __webpack_require__(29072);
// EXTERNAL MODULE: ./shared/src/aws/validate.ts + 1 modules
var validate = __webpack_require__(11850);
// EXTERNAL MODULE: ./shared/src/cis-map.ts
var cis_map = __webpack_require__(69269);
// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(33904);
// EXTERNAL MODULE: ./shared/src/exec.ts
var exec = __webpack_require__(51770);
// EXTERNAL MODULE: ./shared/src/inputs.ts
var inputs = __webpack_require__(39554);
// EXTERNAL MODULE: ./shared/src/ssh-keys.ts
var ssh_keys = __webpack_require__(87594);
// EXTERNAL MODULE: ./shared/src/workspace.ts
var workspace = __webpack_require__(42558);
;// CONCATENATED MODULE: ./action-scan/src/content.ts
/**
 * Which SCAP content to evaluate: the data stream (a path, or `auto` from the target's os-release)
 * and the profile (short `cis_level1_server` or a full XCCDF id). `content-version` downloads a
 * ComplianceAsCode release (newest content, e.g. Ubuntu 24.04 CIS) with @actions/tool-cache.
 */



const SYSTEM_CONTENT_DIRS = [
    '/usr/share/xml/scap/ssg/content',
    '/usr/share/scap-security-guide',
    '/usr/share/xml/scap/ssg',
];
function parseOsRelease(text) {
    const kv = new Map();
    for (const line of text.split(/\r?\n/)) {
        const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (m)
            kv.set(m[1], m[2].replace(/^["']|["']$/g, ''));
    }
    const id = kv.get('ID');
    if (!id)
        return undefined;
    return { id, versionId: kv.get('VERSION_ID') ?? '', prettyName: kv.get('PRETTY_NAME') };
}
/** ComplianceAsCode product name for an os-release: ubuntu 22.04 → ubuntu2204, rhel 9.3 → rhel9. */
function ssgProduct(os) {
    const v = os.versionId;
    const major = v.split('.')[0];
    switch (os.id) {
        case 'ubuntu':
            return `ubuntu${v.replace('.', '')}`;
        case 'rhel':
        case 'centos':
        case 'rocky':
        case 'almalinux':
        case 'ol':
            return `${os.id === 'centos' ? 'cs' : os.id === 'rocky' || os.id === 'almalinux' ? 'rhel' : os.id}${major}`;
        case 'amzn':
            return major === '2' ? 'amzn2' : `al${major}`;
        case 'sles':
        case 'sle':
            return `sle${major}`;
        default:
            return `${os.id}${major}`;
    }
}
function findDatastream(os, dirs) {
    const name = `ssg-${ssgProduct(os)}-ds.xml`;
    for (const d of dirs) {
        const p = external_node_path_.join(d, name);
        if (external_node_fs_.existsSync(p))
            return p;
    }
    return undefined;
}
function resolveDatastreamForOs(os, dirs) {
    const ds = findDatastream(os, dirs);
    if (!ds) {
        throw new errors/* InputError */.dz('datastream', `no SCAP content for ${os.prettyName ?? `${os.id} ${os.versionId}`} (looked for ssg-${ssgProduct(os)}-ds.xml in ${dirs.join(', ')}).`, 'set content-version (e.g. 0.1.76) to download the ComplianceAsCode release, or give the data stream path.');
    }
    return ds;
}
function normaliseProfile(profile) {
    if (!profile)
        throw new errors/* InputError */.dz('profile', 'is empty.', 'e.g. profile: cis_level1_server');
    if (/^xccdf_/.test(profile))
        return profile;
    if (!/^[A-Za-z0-9_.-]+$/.test(profile)) {
        throw new errors/* InputError */.dz('profile', `"${profile}" is not a profile name.`, 'e.g. cis_level1_server, or a full xccdf_..._profile_... id.');
    }
    return `xccdf_org.ssgproject.content_profile_${profile}`;
}
/** Profiles a data stream offers (ids), read with a light scan of the file's text. */
function listProfiles(datastream) {
    const text = external_node_fs_.readFileSync(datastream, 'utf8');
    const ids = new Set();
    for (const m of text.matchAll(/<(?:[\w.-]+:)?Profile\b[^>]*\bid="([^"]+)"/g))
        ids.add(m[1]);
    return [...ids];
}
function checkProfile(datastream, profile) {
    const profiles = listProfiles(datastream);
    if (profiles.length && !profiles.includes(profile)) {
        const short = profiles.map((p) => p.replace(/^xccdf_org\.ssgproject\.content_profile_/, ''));
        throw new errors/* InputError */.dz('profile', `"${profile}" is not in ${external_node_path_.basename(datastream)}.`, `use one of: ${short.join(', ')}.`);
    }
}
/** Download ComplianceAsCode content of a version (tool-cache), returning the directory of data streams. */
async function downloadContent(version) {
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
        throw new errors/* InputError */.dz('content-version', `"${version}" is not a ComplianceAsCode version.`, 'e.g. 0.1.76');
    }
    const tc = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 59805));
    const cached = tc.find('complianceascode', version);
    if (cached)
        return findDsDir(cached);
    const url = `https://github.com/ComplianceAsCode/content/releases/download/v${version}/scap-security-guide-${version}.zip`;
    let zip;
    try {
        zip = await tc.downloadTool(url);
    }
    catch (e) {
        throw new errors/* InputError */.dz('content-version', `could not download ComplianceAsCode ${version} from ${url}: ${e.message}.`, 'check the version exists on the ComplianceAsCode releases page, or install ssg content and leave content-version empty.');
    }
    const dir = await tc.extractZip(zip);
    const cachedDir = await tc.cacheDir(dir, 'complianceascode', version);
    return findDsDir(cachedDir);
}
function findDsDir(root) {
    const stack = [root];
    while (stack.length) {
        const d = stack.pop();
        const entries = external_node_fs_.readdirSync(d, { withFileTypes: true });
        if (entries.some((e) => e.isFile() && /^ssg-.*-ds\.xml$/.test(e.name)))
            return d;
        for (const e of entries)
            if (e.isDirectory())
                stack.push(external_node_path_.join(d, e.name));
    }
    throw new errors/* InputError */.dz('content-version', `no ssg-*-ds.xml data streams in the downloaded release at ${root}.`, 'pick another version.');
}

;// CONCATENATED MODULE: ./action-scan/src/findings.ts
const SEVERITY_WEIGHTS = {
    critical: 15,
    high: 10,
    medium: 5,
    low: 2,
    info: 1,
    unknown: 1,
};
function isPass(s) {
    return s === 'pass' || s === 'fixed';
}
function isFailure(f) {
    return f.status === 'fail';
}
function computeScore(findings) {
    const counts = {
        total: 0,
        passed: 0,
        failed: 0,
        errors: 0,
        notapplicable: 0,
        notchecked: 0,
        informational: 0,
    };
    let wPass = 0;
    let wAll = 0;
    for (const f of findings) {
        if (f.status === 'notselected')
            continue;
        counts.total++;
        const w = SEVERITY_WEIGHTS[f.severity];
        if (isPass(f.status)) {
            counts.passed++;
            wPass += w;
            wAll += w;
        }
        else if (f.status === 'fail') {
            counts.failed++;
            wAll += w;
        }
        else if (f.status === 'error' || f.status === 'unknown')
            counts.errors++;
        else if (f.status === 'notapplicable')
            counts.notapplicable++;
        else if (f.status === 'notchecked')
            counts.notchecked++;
        else if (f.status === 'informational')
            counts.informational++;
    }
    const scored = counts.passed + counts.failed;
    const round1 = (x) => Math.round(x * 10) / 10;
    return {
        score: scored ? round1((100 * counts.passed) / scored) : 0,
        weightedScore: wAll ? round1((100 * wPass) / wAll) : 0,
        counts,
    };
}
function normaliseSeverity(s) {
    switch ((s ?? '').toLowerCase()) {
        case 'critical':
            return 'critical';
        case 'high':
            return 'high';
        case 'medium':
        case 'moderate':
            return 'medium';
        case 'low':
            return 'low';
        case 'info':
        case 'informational':
            return 'info';
        default:
            return 'unknown';
    }
}
const XCCDF_STATUS = {
    pass: 'pass',
    fail: 'fail',
    error: 'error',
    unknown: 'unknown',
    notapplicable: 'notapplicable',
    notchecked: 'notchecked',
    notselected: 'notselected',
    informational: 'informational',
    fixed: 'fixed',
};
function xccdfStatus(s) {
    return XCCDF_STATUS[s.trim()];
}

;// CONCATENATED MODULE: ./action-scan/src/formats/lynis.ts
class FormatError extends Error {
    constructor(message) {
        super(message);
        this.name = 'FormatError';
    }
}
function parseLynisReport(text, source) {
    const executed = [];
    const issues = new Map();
    const notes = [];
    let sawKey = false;
    let hostname;
    let hardeningIndex;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            continue;
        const eq = line.indexOf('=');
        if (eq <= 0)
            continue;
        sawKey = true;
        const key = line.slice(0, eq);
        const value = line.slice(eq + 1);
        if (key === 'tests_executed')
            executed.push(...value.split('|').filter(Boolean));
        else if (key === 'hostname')
            hostname = value;
        else if (key === 'hardening_index' && /^\d+$/.test(value))
            hardeningIndex = Number(value);
        else if (key === 'warning[]' || key === 'suggestion[]') {
            const [id, message, details, solution] = value.split('|');
            if (!id)
                continue;
            if (id === 'LYNIS') {
                notes.push(`Lynis: ${message}`);
                continue;
            }
            const entry = issues.get(id) ?? { severity: 'low', messages: [], fixes: [] };
            if (key === 'warning[]')
                entry.severity = 'high';
            const text = [message, details && details !== '-' ? `(${details})` : ''].filter(Boolean).join(' ');
            if (!entry.messages.includes(text))
                entry.messages.push(text);
            if (solution && solution !== '-' && !entry.fixes.includes(solution))
                entry.fixes.push(solution);
            issues.set(id, entry);
        }
    }
    if (!sawKey)
        throw new FormatError(`${source}: no key=value lines; not a lynis-report.dat`);
    const ids = new Set([...executed.filter((id) => id !== 'LYNIS'), ...issues.keys()]);
    const findings = [...ids].map((id) => {
        const issue = issues.get(id);
        return {
            engine: 'lynis',
            ruleId: id,
            title: issue
                ? `${issue.messages[0]}${issue.messages.length > 1 ? ` (+${issue.messages.length - 1} more)` : ''}`
                : `Lynis test ${id}`,
            severity: issue ? issue.severity : 'info',
            status: issue ? 'fail' : 'pass',
            cisIds: [],
            ...(issue
                ? {
                    expected: `no Lynis ${issue.severity === 'high' ? 'warning' : 'suggestion'} for ${id}`,
                    found: issue.messages.join('; '),
                    ...(issue.fixes.length ? { fix: issue.fixes.join('\n') } : {}),
                }
                : {}),
        };
    });
    return {
        engine: 'lynis',
        source,
        target: hostname,
        findings,
        ...(hardeningIndex !== undefined
            ? { nativeScore: { name: 'Lynis hardening index', value: hardeningIndex } }
            : {}),
        ...(notes.length ? { notes } : {}),
    };
}

;// CONCATENATED MODULE: ./action-scan/src/formats/inspec.ts

function impactToSeverity(impact) {
    if (impact === undefined)
        return 'unknown';
    if (impact >= 0.9)
        return 'critical';
    if (impact >= 0.7)
        return 'high';
    if (impact >= 0.4)
        return 'medium';
    if (impact > 0)
        return 'low';
    return 'info';
}
function cisIdsFromTag(tag) {
    const values = Array.isArray(tag) ? tag : tag === undefined || tag === null ? [] : [tag];
    const ids = [];
    for (const v of values) {
        for (const part of String(v).split(/[,\s]+/)) {
            const id = part.includes(':') ? part.slice(part.lastIndexOf(':') + 1) : part;
            if (/^\d+(\.\d+)+$/.test(id) && !ids.includes(id))
                ids.push(id);
        }
    }
    return ids;
}
function parseInspecJson(text, source) {
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch (e) {
        throw new FormatError(`${source} is not valid JSON: ${e.message}`);
    }
    if (!doc || !Array.isArray(doc.profiles)) {
        throw new FormatError(`${source}: JSON without a "profiles" array; not InSpec/cinc-auditor JSON reporter output`);
    }
    const findings = [];
    for (const p of doc.profiles) {
        for (const c of p.controls ?? []) {
            const results = c.results ?? [];
            const failed = results.filter((r) => r.status === 'failed');
            let status;
            if (failed.length)
                status = 'fail';
            else if (results.length && results.every((r) => r.status === 'skipped'))
                status = 'notchecked';
            else if (results.some((r) => r.status === 'error'))
                status = 'error';
            else if (results.length === 0)
                status = 'notchecked';
            else
                status = 'pass';
            const f = {
                engine: 'inspec',
                ruleId: String(c.id ?? ''),
                title: c.title || String(c.id ?? ''),
                severity: impactToSeverity(c.impact),
                status,
                cisIds: cisIdsFromTag(c.tags?.cis),
            };
            if (failed.length) {
                f.expected = failed
                    .map((r) => r.code_desc)
                    .filter(Boolean)
                    .join('; ');
                f.found = failed
                    .map((r) => (r.message ?? '').replace(/\s+/g, ' ').trim())
                    .filter(Boolean)
                    .join('; ');
            }
            findings.push(f);
        }
    }
    const profile = doc.profiles
        .map((p) => p.name)
        .filter(Boolean)
        .join(',');
    const target = doc.platform
        ? [doc.platform.name, doc.platform.release].filter(Boolean).join(' ')
        : undefined;
    return { engine: 'inspec', source, profile, target, findings };
}

;// CONCATENATED MODULE: ./action-scan/src/formats/inspector2.ts

const SEVERITY = {
    CRITICAL: 'critical',
    HIGH: 'high',
    MEDIUM: 'medium',
    LOW: 'low',
    INFORMATIONAL: 'info',
    UNTRIAGED: 'unknown',
};
/** "5.2.6", from "5.2.6 Ensure …", "xccdf_org.cisecurity.benchmarks_rule_5.2.6_Ensure…" or "5.2.6". */
function cisIdFromCheck(...candidates) {
    for (const c of candidates) {
        const m = /(?:^|[\s_])(\d+(?:\.\d+)+)(?=$|[\s_:])/.exec(c ?? '');
        if (m)
            return [m[1]];
    }
    return [];
}
function looksLikeInspector2(head) {
    return /"scanResultDetails"\s*:|"findingArn"\s*:\s*"arn:aws[\w-]*:inspector2:/.test(head);
}
function parseInspector2Json(text, source) {
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch (e) {
        throw new FormatError(`${source} is not valid JSON: ${e.message}`);
    }
    if (Array.isArray(doc?.scanResultDetails))
        return fromCis(doc.scanResultDetails, source);
    if (Array.isArray(doc?.findings))
        return fromFindings(doc.findings, source);
    throw new FormatError(`${source}: JSON without "scanResultDetails" or "findings"; not Inspector2 GetCisScanResultDetails or ListFindings output`);
}
function fromCis(details, source) {
    const status = { PASSED: 'pass', FAILED: 'fail', SKIPPED: 'notchecked' };
    const findings = details.map((d) => {
        const f = {
            engine: 'inspector2',
            ruleId: d.checkId ?? d.title ?? '',
            title: (d.title ?? d.checkId ?? '').replace(/^\d+(\.\d+)+\s+/, ''),
            // Inspector CIS checks carry a level, not a severity
            severity: 'unknown',
            status: status[d.status ?? ''] ?? 'unknown',
            cisIds: cisIdFromCheck(d.checkId, d.title),
        };
        if (f.status === 'fail') {
            if (d.remediation)
                f.expected = d.remediation.replace(/\s+/g, ' ').trim().slice(0, 500);
            if (d.statusReason)
                f.found = d.statusReason.replace(/\s+/g, ' ').trim().slice(0, 500);
        }
        return f;
    });
    const first = details[0];
    return {
        engine: 'inspector2',
        source,
        profile: first?.level
            ? `inspector2 CIS ${first.level.toLowerCase().replace('_', ' ')}`
            : 'inspector2 CIS',
        target: [first?.targetResourceId, first?.platform].filter(Boolean).join(' ') || undefined,
        findings,
    };
}
function fromFindings(list, source) {
    const status = { ACTIVE: 'fail', CLOSED: 'pass', SUPPRESSED: 'notapplicable' };
    const findings = list.map((x) => {
        const pkgs = x.packageVulnerabilityDetails?.vulnerablePackages ?? [];
        const f = {
            engine: 'inspector2',
            ruleId: x.packageVulnerabilityDetails?.vulnerabilityId ?? x.title ?? x.findingArn ?? '',
            title: x.title ?? x.packageVulnerabilityDetails?.vulnerabilityId ?? '',
            severity: SEVERITY[x.severity ?? ''] ?? 'unknown',
            status: status[x.status ?? ''] ?? 'unknown',
            cisIds: [],
        };
        if (f.status === 'fail') {
            const fixed = pkgs.filter((p) => p.fixedInVersion && p.fixedInVersion !== 'NotAvailable');
            f.expected = fixed.length
                ? fixed.map((p) => `${p.name} ≥ ${p.fixedInVersion}`).join(', ')
                : (x.remediation?.recommendation?.text ?? 'no vulnerable package');
            f.found = pkgs.length
                ? pkgs.map((p) => `${p.name} ${p.version}`).join(', ')
                : (x.resources ?? []).map((r) => r.id).join(', ');
        }
        return f;
    });
    const resources = [...new Set(list.flatMap((x) => (x.resources ?? []).map((r) => r.id ?? '')))];
    return {
        engine: 'inspector2',
        source,
        profile: 'inspector2 findings',
        target: resources.filter(Boolean).join(' ') || undefined,
        findings,
    };
}

// EXTERNAL MODULE: ./action-scan/src/formats/stream.ts
var formats_stream = __webpack_require__(45875);
// EXTERNAL MODULE: ./node_modules/saxes/saxes.js
var saxes = __webpack_require__(59800);
;// CONCATENATED MODULE: ./action-scan/src/formats/xccdf.ts
/**
 * Streaming parser for OpenSCAP output: XCCDF 1.2 result files (`oscap xccdf eval --results`),
 * ARF (`--results-arf`, which also carries the benchmark and the OVAL results), and SCAP source
 * data streams (for rule titles and CIS references when a result file lacks the benchmark).
 *
 * Memory is bounded: rule metadata is kept (small), OVAL system characteristics are kept only for
 * items that failing tests point at, each truncated. Real ARF files reach 50–100 MB.
 */




class XmlParseError extends Error {
    file;
    constructor(file, detail) {
        super(`${file} is not well-formed XML: ${detail}`);
        this.file = file;
        this.name = 'XmlParseError';
    }
}
const CIS_BENCHMARK_HREF = /cisecurity\.org\/benchmark/i;
/** Other benchmarks whose control ids markers may name (CCI and SRG references are not controls of a benchmark). */
const OTHER_REF_HREFS = [
    { scheme: 'anssi', href: /ssi\.gouv\.fr/i, id: /^[A-Z]{1,4}\d*\(R\d+\)$/ },
    { scheme: 'stig', href: /cyber\.mil\/stigs\/downloads/i, id: /^[A-Z]{2,8}-\d{2}-\d{6}$/ },
];
const MAX_TEXT = 4000;
const MAX_ITEMS_PER_TEST = 3;
const FAILING = new Set(['false', 'error', 'unknown']);
function local(name) {
    const i = name.indexOf(':');
    return i >= 0 ? name.slice(i + 1) : name;
}
function xccdf_short(s, n = 160) {
    const t = s.replace(/\s+/g, ' ').trim();
    return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
function newOvalReport() {
    return {
        tests: new Map(),
        objects: new Map(),
        objectHints: new Map(),
        definitions: new Map(),
        testResults: new Map(),
        items: new Map(),
        wantedItems: new Set(),
    };
}
/**
 * The SAX handler behind parseXccdfFile: one pass over ARF, XCCDF results or a data stream, keeping
 * what the findings need (rules, rule results, and the OVAL evidence of failing tests).
 */
class XccdfReader {
    res = { kind: 'xccdf', rules: new Map(), testResults: [], oval: new Map() };
    rootSeen = false;
    stack = [];
    // current contexts
    rule;
    ruleDepth = -1;
    tr;
    rr;
    report; // ARF report id
    reportDepth = -1;
    inOvalResults = false;
    ovalResultsDepth = -1;
    inResultsSection = false; // oval_results > results
    def;
    test;
    ovalTestDef;
    ovalObj;
    ovalObjDepth = -1;
    item;
    itemDepth = -1;
    // text capture
    capture;
    captureDepth = -1;
    captured = '';
    oval() {
        const key = this.report ?? '';
        let r = this.res.oval.get(key);
        if (!r) {
            r = newOvalReport();
            this.res.oval.set(key, r);
        }
        return r;
    }
    startCapture(fn) {
        this.capture = fn;
        this.captureDepth = this.stack.length;
        this.captured = '';
    }
    text(t) {
        if (this.capture && this.captured.length < MAX_TEXT)
            this.captured += t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
    }
    open(tag) {
        const name = local(tag.name);
        const attrs = tag.attributes;
        this.stack.push(name);
        const depth = this.stack.length;
        if (!this.rootSeen) {
            this.rootSeen = true;
            if (name === 'asset-report-collection')
                this.res.kind = 'arf';
            else if (name === 'data-stream-collection')
                this.res.kind = 'datastream';
        }
        if (this.capture)
            return; // nested markup inside captured text (e.g. html in a title)
        if (this.openContext(name, attrs, depth))
            return;
        if (this.rule && depth === this.ruleDepth + 1)
            this.openInRule(this.rule, name, attrs);
        else if (this.rr)
            this.openInRuleResult(this.rr, name, attrs);
        else if (this.tr)
            this.openInTestResult(this.tr, name, attrs);
        else if (this.inOvalResults && this.report !== undefined) {
            if (!this.inResultsSection)
                this.openInOvalDefinitions(name, attrs, depth);
            else
                this.openInOvalSystem(name, attrs, depth);
        }
    }
    /** The elements that start a context; true when `name` was one. */
    openContext(name, attrs, depth) {
        switch (name) {
            case 'Benchmark':
                this.res.benchmarkId ??= attrs.id;
                return true;
            case 'report':
                if (attrs.id !== undefined && depth <= 4) {
                    this.report = attrs.id;
                    this.reportDepth = depth;
                }
                return true;
            case 'oval_results':
                this.inOvalResults = true;
                this.ovalResultsDepth = depth;
                return true;
            case 'Rule':
                this.rule = { id: attrs.id, title: '', severity: attrs.severity, cisIds: [] };
                this.ruleDepth = depth;
                return true;
            case 'TestResult':
                this.tr = { id: attrs.id, values: new Map(), ruleResults: [] };
                return true;
            case 'rule-result':
                if (this.tr)
                    this.rr = {
                        idref: attrs.idref,
                        severity: attrs.severity,
                        result: '',
                        checkRefs: [],
                        exports: [],
                        messages: [],
                    };
                return true;
        }
        return false;
    }
    openInRule(r, name, attrs) {
        if (name === 'title') {
            this.startCapture((t) => {
                r.title = xccdf_short(t, 300);
            });
        }
        else if (name === 'reference' && CIS_BENCHMARK_HREF.test(attrs.href ?? '')) {
            this.startCapture((t) => {
                for (const id of t.split(/[,\s]+/))
                    if (/^\d+(\.\d+)*$/.test(id) && !r.cisIds.includes(id))
                        r.cisIds.push(id);
            });
        }
        else if (name === 'reference') {
            const other = OTHER_REF_HREFS.find((o) => o.href.test(attrs.href ?? ''));
            if (other)
                this.startCapture((t) => {
                    for (const id of t.split(/[,\s]+/)) {
                        if (!other.id.test(id))
                            continue;
                        r.refs ??= [];
                        if (!r.refs.some((x) => x.scheme === other.scheme && x.id === id))
                            r.refs.push({ scheme: other.scheme, id });
                    }
                });
        }
    }
    openInRuleResult(rr, name, attrs) {
        if (name === 'result')
            this.startCapture((t) => {
                rr.result = t.trim();
            });
        else if (name === 'check-content-ref')
            rr.checkRefs.push({ name: attrs.name ?? '', href: attrs.href ?? '' });
        else if (name === 'check-export' && attrs['value-id'])
            rr.exports.push(attrs['value-id']);
        else if (name === 'message')
            this.startCapture((t) => rr.messages.push(xccdf_short(t, 500)));
    }
    openInTestResult(tr, name, attrs) {
        if (name === 'profile')
            tr.profile = attrs.idref;
        else if (name === 'benchmark')
            tr.benchmark = attrs.id ?? attrs.href;
        else if (name === 'target')
            this.startCapture((t) => {
                tr.target = xccdf_short(t);
            });
        else if (name === 'set-value' && attrs.idref) {
            const id = attrs.idref;
            this.startCapture((t) => tr.values.set(id, xccdf_short(t, 200)));
        }
    }
    /** oval_definitions inside the results: tests and objects. */
    openInOvalDefinitions(name, attrs, depth) {
        const o = this.oval();
        if (name === 'results') {
            this.inResultsSection = true;
        }
        else if (name.endsWith('_test') && attrs.id) {
            this.ovalTestDef = { id: attrs.id, info: { comment: attrs.comment } };
            o.tests.set(attrs.id, this.ovalTestDef.info);
        }
        else if (this.ovalTestDef && name === 'object' && attrs.object_ref) {
            this.ovalTestDef.info.objectRef = attrs.object_ref;
        }
        else if (name.endsWith('_object') && attrs.id && !this.ovalObj) {
            this.ovalObj = { id: attrs.id, parts: [] };
            this.ovalObjDepth = depth;
        }
        else if (this.ovalObj && depth === this.ovalObjDepth + 1 && !attrs.var_ref) {
            const parts = this.ovalObj.parts;
            this.startCapture((t) => {
                if (t.trim() && parts.length < 4)
                    parts.push(`${name} ${xccdf_short(t, 120)}`);
            });
        }
    }
    /** oval_results > results > system: failing definitions, tests, and the items they looked at. */
    openInOvalSystem(name, attrs, depth) {
        const o = this.oval();
        const { def, test, item } = this;
        if (name === 'definition' && attrs.definition_id) {
            this.def = { id: attrs.definition_id, leaves: [], failing: FAILING.has(attrs.result ?? '') };
        }
        else if (def && name === 'criterion' && FAILING.has(attrs.result ?? '')) {
            def.leaves.push({ test: attrs.test_ref });
        }
        else if (def && name === 'extend_definition' && FAILING.has(attrs.result ?? '')) {
            def.leaves.push({ def: attrs.definition_ref });
        }
        else if (name === 'test' && attrs.test_id) {
            if (FAILING.has(attrs.result ?? ''))
                this.test = { id: attrs.test_id, data: { result: attrs.result, items: [], variables: [] } };
        }
        else if (test && name === 'tested_item' && attrs.item_id) {
            if (test.data.items.length < MAX_ITEMS_PER_TEST) {
                test.data.items.push(attrs.item_id);
                o.wantedItems.add(attrs.item_id);
            }
        }
        else if (test && name === 'tested_variable' && attrs.variable_id) {
            const data = test.data;
            const id = attrs.variable_id;
            this.startCapture((t) => {
                if (data.variables.length < 6)
                    data.variables.push({ id, value: xccdf_short(t, 120) });
            });
        }
        else if (name.endsWith('_item') && attrs.id && o.wantedItems.has(attrs.id) && !item) {
            this.item = { id: attrs.id, parts: [] };
            this.itemDepth = depth;
        }
        else if (item && depth === this.itemDepth + 1) {
            const parts = item.parts;
            this.startCapture((t) => {
                if (t.trim())
                    parts.push(`${name}\u0000${t}`);
            });
        }
    }
    close() {
        const depth = this.stack.length;
        const name = this.stack.pop() ?? '';
        if (this.capture && depth === this.captureDepth) {
            this.capture(this.captured);
            this.capture = undefined;
            this.captureDepth = -1;
            this.captured = '';
        }
        if (this.capture)
            return;
        if (this.rule && depth === this.ruleDepth && name === 'Rule') {
            this.res.rules.set(this.rule.id, this.rule);
            this.rule = undefined;
            this.ruleDepth = -1;
        }
        else if (name === 'rule-result' && this.rr && this.tr) {
            this.tr.ruleResults.push(this.rr);
            this.rr = undefined;
        }
        else if (name === 'TestResult' && this.tr) {
            this.res.testResults.push(this.tr);
            this.tr = undefined;
        }
        else if (name === 'report' && depth === this.reportDepth) {
            this.report = undefined;
            this.reportDepth = -1;
        }
        else if (name === 'oval_results' && depth === this.ovalResultsDepth) {
            this.inOvalResults = false;
            this.inResultsSection = false;
        }
        else if (this.inOvalResults)
            this.closeInOval(name, depth);
    }
    closeInOval(name, depth) {
        const o = this.oval();
        if (this.ovalTestDef && name.endsWith('_test'))
            this.ovalTestDef = undefined;
        else if (this.ovalObj && depth === this.ovalObjDepth) {
            const obj = this.ovalObj;
            o.objects.set(obj.id, obj.parts.filter((p) => !p.startsWith('filter ')).join(', '));
            const mode = obj.parts.map((p) => /^filter .*_mode_(\d{4})(or_stricter)?/.exec(p)).find(Boolean);
            if (mode)
                o.objectHints.set(obj.id, `mode ${mode[1]}${mode[2] ? ' or stricter' : ''}`);
            this.ovalObj = undefined;
        }
        else if (this.def && name === 'definition') {
            if (this.def.failing)
                o.definitions.set(this.def.id, this.def.leaves);
            this.def = undefined;
        }
        else if (this.test && name === 'test') {
            o.testResults.set(this.test.id, this.test.data);
            this.test = undefined;
        }
        else if (this.item && depth === this.itemDepth) {
            o.items.set(this.item.id, summariseItem(this.item.parts));
            this.item = undefined;
        }
    }
}
async function parseXccdfFile(file) {
    const reader = new XccdfReader();
    const parser = new saxes/* SaxesParser */.wT({ xmlns: false, position: true });
    parser.on('opentag', (tag) => reader.open(tag));
    parser.on('text', (t) => reader.text(t));
    parser.on('cdata', (t) => reader.text(t));
    parser.on('closetag', () => reader.close());
    let parseError;
    parser.on('error', (e) => {
        parseError ??= e;
    });
    const stream = (0,formats_stream.openStream)(file);
    try {
        for await (const chunk of stream) {
            parser.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
            if (parseError)
                break;
        }
        if (!parseError)
            parser.close();
    }
    catch (e) {
        parseError ??= e;
    }
    finally {
        stream.destroy();
    }
    if (parseError) {
        const msg = parseError.message.replace(/^undefined:/, '');
        throw new XmlParseError(file, /unexpected end|unclosed|incomplete/i.test(msg) ? `${msg} (the file looks truncated)` : msg);
    }
    if (!reader.rootSeen)
        throw new XmlParseError(file, 'the file has no XML root element');
    return reader.res;
}
/** A compact one-line description of an OVAL system-characteristics item. */
function summariseItem(parts) {
    const fields = parts.map((p) => {
        const i = p.indexOf('\u0000');
        return [p.slice(0, i), p.slice(i + 1)];
    });
    const get = (n) => fields.find(([k]) => k === n)?.[1];
    const where = get('filepath') ?? (get('path') && get('filename') ? `${get('path')}/${get('filename')}` : get('path'));
    const skip = new Set(['filepath', 'path', 'filename', 'pattern', 'instance', 'line']);
    const firstLine = get('text')?.trim().split('\n')[0];
    const main = firstLine && firstLine.length <= 160 ? firstLine : (get('subexpression') ?? firstLine);
    const rest = [];
    const perms = ['uread', 'uwrite', 'uexec', 'gread', 'gwrite', 'gexec', 'oread', 'owrite', 'oexec'];
    if (perms.every((p) => get(p) !== undefined)) {
        const bits = perms.map((p, i) => (get(p) === 'true' ? 'rwx'[i % 3] : '-')).join('');
        const octal = [0, 3, 6]
            .map((i) => perms.slice(i, i + 3).reduce((n, p, j) => n + (get(p) === 'true' ? 4 >> j : 0), 0))
            .join('');
        rest.push(`mode 0${octal} (${bits})`, `uid ${get('user_id') ?? '?'}`, `gid ${get('group_id') ?? '?'}`);
    }
    else {
        const noise = new Set([...skip, 'subexpression', 'text', 'a_time', 'c_time', 'm_time', 'size', 'type']);
        rest.push(...fields
            .filter(([k]) => !noise.has(k))
            .slice(0, 6)
            .map(([k, v]) => `${k}=${xccdf_short(v, 60)}`));
    }
    const out = [where, main !== undefined ? `"${xccdf_short(main, 120)}"` : undefined, rest.join(' ') || undefined];
    return out.filter(Boolean).join(': ');
}
const VALUE_PREFIX = /^xccdf_[^_]+_value_/;

/** Expected/found from the OVAL results of a failing rule, when the ARF has them. */
function evidence(res, tr, rr, title) {
    const expected = [];
    const found = [];
    for (const ref of rr.checkRefs) {
        const o = res.oval.get(ref.href.replace(/^#/, ''));
        if (!o)
            continue;
        const tests = [];
        const seen = new Set();
        // The definition's own failing tests say what the rule checks; extended definitions are mostly
        // applicability guards ("package X is removed" in an OR branch), so follow them only when the
        // definition has no failing test of its own.
        const walk = (defId, depth) => {
            if (depth > 6 || seen.has(defId))
                return;
            seen.add(defId);
            const leaves = o.definitions.get(defId) ?? [];
            const own = leaves.filter((l) => l.test);
            for (const leaf of own)
                if (!tests.includes(leaf.test))
                    tests.push(leaf.test);
            if (own.length === 0)
                for (const leaf of leaves)
                    if (leaf.def)
                        walk(leaf.def, depth + 1);
        };
        walk(ref.name, 0);
        for (const t of tests.slice(0, 3)) {
            const info = o.tests.get(t);
            const tres = o.testResults.get(t);
            const vars = (tres?.variables ?? []).map((v) => `${v.id.replace(/^oval:[^-]+-/, '').replace(/:var:\d+$/, '')} = ${v.value}`);
            const hint = info?.objectRef ? o.objectHints.get(info.objectRef) : undefined;
            const what = `${info?.comment ?? t}${hint ? `: ${hint}` : ''}`;
            expected.push(vars.length ? `${what} (${vars.join(', ')})` : what);
            const items = (tres?.items ?? []).map((id) => o.items.get(id)).filter((x) => Boolean(x));
            if (items.length)
                found.push(...items);
            else {
                const obj = info?.objectRef ? o.objects.get(info.objectRef) : undefined;
                found.push(obj ? `nothing found for ${obj}` : `test ${t} result ${tres?.result ?? 'false'}`);
            }
        }
    }
    if (!expected.length) {
        const vals = rr.exports
            .map((v) => (tr.values.has(v) ? `${v.replace(VALUE_PREFIX, '')} = ${tr.values.get(v)}` : undefined))
            .filter(Boolean);
        expected.push(vals.length ? `${title} (${vals.join(', ')})` : title);
    }
    if (rr.messages.length)
        found.unshift(...rr.messages);
    if (!found.length)
        found.push(`result ${rr.result}`);
    return { expected: expected.join('; '), found: found.join('; ') };
}
/**
 * Turn a parsed XCCDF/ARF into findings. `extraRules` (from a datastream) fill in titles and CIS
 * references that a bare result file lacks. The last TestResult in the file is used.
 */
function xccdfToResultSet(res, source, extraRules) {
    const tr = res.testResults[res.testResults.length - 1];
    if (!tr)
        return { engine: 'openscap', source, findings: [] };
    const findings = tr.ruleResults.map((rr) => {
        const info = res.rules.get(rr.idref) ?? extraRules?.get(rr.idref);
        const status = xccdfStatus(rr.result) ?? 'unknown';
        const title = info?.title || (0,cis_map/* shortRuleId */.ki)(rr.idref);
        const f = {
            engine: 'openscap',
            ruleId: rr.idref,
            title,
            severity: normaliseSeverity(rr.severity ?? info?.severity),
            status,
            cisIds: info?.cisIds ?? [],
            ...(info?.refs?.length ? { refs: info.refs } : {}),
        };
        if (status === 'fail' || status === 'error')
            Object.assign(f, evidence(res, tr, rr, title));
        return f;
    });
    return {
        engine: 'openscap',
        profile: tr.profile,
        benchmark: tr.benchmark,
        target: tr.target,
        source,
        findings,
    };
}

;// CONCATENATED MODULE: ./action-scan/src/formats/index.ts
/** Result files → findings, with the format detected from content (never from the file name). */







/** Decide the format from the first bytes of a file. */
function detectFormat(head) {
    const h = head.replace(/^\uFEFF/, '').trimStart();
    if (h.startsWith('<')) {
        const m = /<(?!\?|!)([\w.-]+:)?([\w.-]+)/.exec(h);
        const root = m?.[2];
        if (root === 'asset-report-collection')
            return 'arf';
        if (root === 'Benchmark' || root === 'TestResult')
            return 'xccdf';
        if (root === 'data-stream-collection')
            return 'datastream';
        return 'unknown';
    }
    if (h.startsWith('{')) {
        if (looksLikeInspector2(h))
            return 'inspector2';
        return /"profiles"\s*:|"platform"\s*:|"statistics"\s*:/.test(h) ? 'inspec' : 'unknown';
    }
    if (/^(#.*\n)*\s*(report_version|report_datetime_start|lynis_version|os|hostname)=/m.test(h) &&
        /lynis/i.test(h)) {
        return 'lynis';
    }
    return 'unknown';
}
/** Parse one results file; `datastream` supplies rule metadata for bare XCCDF result files. */
async function parseResultsFile(file, opts = {}) {
    const input = opts.inputName ?? 'results';
    let st;
    try {
        st = external_node_fs_.statSync(file);
    }
    catch {
        throw new errors/* InputError */.dz(input, `"${file}" does not exist.`, 'give the path of an oscap/Lynis/InSpec result file.');
    }
    if (!st.isFile())
        throw new errors/* InputError */.dz(input, `"${file}" is not a file.`, 'give a file, or a glob such as out/*.xml.');
    if (st.size === 0)
        throw new errors/* InputError */.dz(input, `"${file}" is empty.`, 'check that the scan wrote its results.');
    const head = await (0,formats_stream/* readHead */.z)(file, 4096);
    const format = detectFormat(head);
    try {
        switch (format) {
            case 'arf':
            case 'xccdf': {
                const parsed = await parseXccdfFile(file);
                if (opts.datastream)
                    await checkSameBenchmark(parsed, file, opts.datastream, input);
                let extra;
                const hasResults = parsed.testResults.some((t) => t.ruleResults.length > 0);
                if (parsed.rules.size === 0 && hasResults && opts.datastreamRules)
                    extra = await opts.datastreamRules();
                return xccdfToResultSet(parsed, file, extra);
            }
            case 'inspec':
                return parseInspecJson(await readAll(file), file);
            case 'inspector2':
                return parseInspector2Json(await readAll(file), file);
            case 'lynis':
                return parseLynisReport(await readAll(file), file);
            case 'datastream':
                throw new errors/* InputError */.dz(input, `"${file}" is a SCAP source data stream (the content), not scan results.`, 'pass it as input "datastream", and give oscap --results/--results-arf output in "results".');
            default:
                throw new errors/* InputError */.dz(input, `"${file}" is in an unknown format${(0,formats_stream/* isGzip */.b)(file) ? ' (gzip-compressed)' : ''}: expected OpenSCAP ARF or XCCDF XML, InSpec/cinc-auditor JSON, Inspector2 CIS scan or findings JSON, or lynis-report.dat.`, 'give oscap --results-arf output, `inspec exec --reporter json:FILE` output, or /var/log/lynis-report.dat.');
        }
    }
    catch (e) {
        if (e instanceof XmlParseError || e instanceof FormatError) {
            throw new errors/* InputError */.dz(input, e.message, 'give a complete result file; re-run the scan if it was cut short.');
        }
        throw e;
    }
}
/** The id of the first XCCDF Benchmark in a data stream or benchmark file (it sits near the top). */
async function readBenchmarkId(file) {
    const head = await (0,formats_stream/* readHead */.z)(file, 4 * 1024 * 1024);
    return /<(?:[\w.-]+:)?Benchmark\b[^>]*?\sid="([^"]+)"/.exec(head)?.[1];
}
/**
 * Results of one product read with the content of another would carry the wrong CIS ids
 * (Debian 11 results with the Ubuntu 22.04 data stream): refuse when the benchmark ids differ.
 */
async function checkSameBenchmark(parsed, file, datastream, input) {
    const tr = parsed.testResults[parsed.testResults.length - 1];
    const ofResults = (tr?.benchmark?.startsWith('xccdf_') ? tr.benchmark : undefined) ?? parsed.benchmarkId;
    const ofContent = await readBenchmarkId(datastream);
    if (ofResults && ofContent && ofResults !== ofContent) {
        throw new errors/* InputError */.dz(input === 'results' ? 'datastream' : input, `"${file}" holds results for benchmark ${ofResults}, but the data stream "${datastream}" is benchmark ${ofContent}: its rule titles and CIS ids would be wrong.`, `give the data stream the scan used (the one for ${ofResults.replace(/^xccdf_[^_]+_benchmark_/, '')}).`);
    }
}
async function readAll(file) {
    const { openStream } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 45875));
    const chunks = [];
    for await (const c of openStream(file))
        chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
    return Buffer.concat(chunks).toString('utf8');
}
/** Rule titles and CIS references from a SCAP data stream or XCCDF benchmark file. */
async function loadDatastreamRules(file, input = 'datastream') {
    try {
        const parsed = await parseXccdfFile(file);
        if (parsed.rules.size === 0) {
            throw new errors/* InputError */.dz(input, `"${file}" contains no XCCDF rules.`, 'give an ssg-*-ds.xml data stream.');
        }
        return parsed.rules;
    }
    catch (e) {
        if (e instanceof XmlParseError)
            throw new errors/* InputError */.dz(input, e.message, 'give a complete ssg-*-ds.xml file.');
        throw e;
    }
}

;// CONCATENATED MODULE: ./action-scan/src/gate.ts
/**
 * The scan gate: a pure function of the planned annotations, the score, the baseline diff and the
 * configuration. It fails closed: by default a control that the hardening code claims to implement
 * (a marker exists) and that fails is a gate failure; turning the gate off (`fail-on: none` with no
 * `min-score`) is explicit, and such a scan is `ungated`, never `passed`.
 */

const FAIL_ON = ['implemented', 'any', 'new', 'none'];
function parseFailOn(raw) {
    const v = raw.trim().toLowerCase();
    // Blank means the default: a gate input never turns the gate off by being empty.
    if (v === '')
        return 'implemented';
    if (!FAIL_ON.includes(v)) {
        throw new errors/* InputError */.dz('fail-on', `"${raw}" is not one of ${FAIL_ON.join(', ')}.`, 'use implemented (default: controls the hardening code claims must pass), any, new, or none (no control gate).');
    }
    return v;
}
function list(as, n = 8) {
    const names = as.map((a) => a.control ?? a.ruleId);
    return `${names.slice(0, n).join(', ')}${names.length > n ? `, … (${names.length - n} more)` : ''}`;
}
function evaluateScanGate(input, cfg) {
    const reasons = [];
    const checked = [];
    const failing = input.annotations.filter((a) => a.status === 'fail' || a.status === 'error');
    if (cfg.failOn === 'implemented') {
        const claimed = failing.filter((a) => a.implemented);
        if (claimed.length)
            reasons.push(`${claimed.length} control(s) the hardening code claims to implement fail: ${list(claimed)} (fail-on: implemented)`);
        else
            checked.push('every control the hardening code claims to implement passes (fail-on: implemented)');
    }
    else if (cfg.failOn === 'any') {
        if (failing.length)
            reasons.push(`${failing.length} control(s) fail: ${list(failing)} (fail-on: any)`);
        else
            checked.push('no control fails (fail-on: any)');
    }
    if (cfg.failOn === 'new' || cfg.failOnNewFailures) {
        const why = cfg.failOn === 'new' ? 'fail-on: new' : 'fail-on-new-failures';
        if (input.diff) {
            if (input.diff.newFailures.length)
                reasons.push(`${input.diff.newFailures.length} new failure(s) against the baseline (${why})`);
            else
                checked.push(`no new failures against the baseline (${why})`);
        }
        else if (failing.length) {
            // No baseline to compare with: fail closed, every failure counts as new.
            reasons.push(`${failing.length} failure(s) and no baseline to compare with, so all count as new (${why})`);
        }
        else
            checked.push(`no failures, and no baseline (${why})`);
    }
    if (cfg.minScore !== undefined) {
        if (input.score < cfg.minScore)
            reasons.push(`score ${input.score}% is below min-score ${cfg.minScore}%`);
        else
            checked.push(`score ${input.score}% ≥ min-score ${cfg.minScore}%`);
    }
    const gated = cfg.failOn !== 'none' || cfg.minScore !== undefined || cfg.failOnNewFailures;
    return {
        verdict: reasons.length ? 'failed' : gated ? 'passed' : 'ungated',
        reasons,
        checked: gated ? checked : ['no gate: fail-on is none and no min-score is set'],
    };
}

;// CONCATENATED MODULE: ./action-scan/src/in-use.ts
/**
 * Re-scanning the images in use (the AMI Factory practice): which AMIs running instances use,
 * which of those are our golden images, the newest golden one to scan, and which to tag when that
 * scan fails. Pure: the EC2 calls are in in-use-aws.ts.
 */

const isGolden = (i) => i.tags[aws_tags/* TAG */.Dk.status] === 'golden';
const familyOf = (i) => i.tags[aws_tags/* TAG */.Dk.family] ?? '';
/** The newest golden image in use (by creation date; ties by image id for determinism). */
function newestGolden(images) {
    return images
        .filter(isGolden)
        .sort((a, b) => (b.creationDate ?? '').localeCompare(a.creationDate ?? '') || a.imageId.localeCompare(b.imageId))[0];
}
/** The image an in-use re-scan scans: the newest golden one in use in `region`, else anywhere. */
function chooseInUseImage(images, region) {
    return newestGolden(images.filter((i) => i.region === region)) ?? newestGolden(images);
}
/**
 * When the scan of `scanned` failed: it, and every golden image in use of the same family that is
 * not newer (it carries at most the same hardening), are vulnerable. Newer images are left alone.
 */
function vulnerableImages(images, scanned) {
    const s = images.find((i) => i.imageId === scanned);
    if (!s)
        return [];
    // Copies of the scanned image in other regions/accounts are the same image, whatever their date.
    const lineage = (i) => i.tags[aws_tags/* TAG */.Dk.sourceAmi] ?? i.imageId;
    return images.filter((i) => i.imageId === scanned ||
        lineage(i) === lineage(s) ||
        i.imageId === lineage(s) ||
        (isGolden(i) && familyOf(i) === familyOf(s) && (i.creationDate ?? '') <= (s.creationDate ?? '')));
}
/**
 * Older golden images still in use while a newer one of the same family is in use in the same
 * region (each region has its own copy, so dates are compared within a region).
 */
function outdatedImages(images) {
    const key = (i) => `${i.region}\u0000${familyOf(i)}`;
    const newest = new Map();
    for (const i of images.filter(isGolden)) {
        if ((i.creationDate ?? '') > (newest.get(key(i)) ?? ''))
            newest.set(key(i), i.creationDate ?? '');
    }
    return images.filter((i) => isGolden(i) && (i.creationDate ?? '') < (newest.get(key(i)) ?? ''));
}
/** The summary table; `vulnerable`: images tagged so by this run (earlier runs' tags show too). */
function inUseTable(images, scanned, vulnerable = new Set()) {
    const outdated = new Set(outdatedImages(images).map((i) => i.imageId));
    const rows = [...images].sort((a, b) => a.region.localeCompare(b.region) || (b.creationDate ?? '').localeCompare(a.creationDate ?? ''));
    return [
        '| region | AMI | name | created | instances | golden | note |',
        '|---|---|---|---|---:|---|---|',
        ...rows.map((i) => `| ${i.region} | \`${i.imageId}\` | ${i.name ?? (i.known ? '' : '(not visible)')} | ${(i.creationDate ?? '').slice(0, 10)} | ${i.instances} | ${isGolden(i) ? 'yes' : 'no'} | ${[i.imageId === scanned ? 'scanned' : '', outdated.has(i.imageId) ? 'outdated' : '', vulnerable.has(i.imageId) || i.tags[aws_tags/* TAG */.Dk.vulnerable] === 'true' ? 'vulnerable' : ''].filter(Boolean).join(', ')} |`),
    ].join('\n');
}

;// CONCATENATED MODULE: ./action-scan/src/report/annotations.ts
/**
 * Failing findings → annotations at the hardening-script line that implements each CIS control.
 * Pure: no I/O. Delivery (Checks API or workflow commands) is in github/checks.ts.
 */

function describeFinding(f) {
    const lines = [];
    if (f.expected)
        lines.push(`Expected: ${f.expected}`);
    if (f.found)
        lines.push(`Found: ${f.found}`);
    lines.push(`Rule: ${f.ruleId} (${f.engine}, severity ${f.severity}, result ${f.status})`);
    return lines.join('\n');
}
/** The change that implements a finding: its CIS ids (or their sections), other benchmarks' ids, its rule id. */
function locateFinding(map, f) {
    for (const id of f.cisIds) {
        const hit = (0,cis_map/* locate */.x5)(map, id);
        if (hit)
            return { ...hit, scheme: 'cis', id };
    }
    const exact = (scheme, id) => {
        const all = map.byId.get((0,cis_map/* refKey */.XF)(scheme, id));
        return all?.length ? { change: all[0], exact: true, all, scheme, id } : undefined;
    };
    for (const r of f.refs ?? []) {
        const hit = exact(r.scheme, r.id);
        if (hit)
            return hit;
    }
    if (f.engine === 'lynis')
        return exact('lynis', f.ruleId);
    return exact('rule', f.ruleId);
}
/** The control a finding is about, as people name it (its first CIS id, else another benchmark's id). */
function controlOf(f, profileScheme) {
    const other = f.refs?.find((r) => r.scheme === profileScheme);
    if (other)
        return other;
    if (f.cisIds.length)
        return { scheme: 'cis', id: f.cisIds[0] };
    if (f.engine === 'lynis')
        return { scheme: 'lynis', id: f.ruleId };
    return f.refs?.[0];
}
/**
 * Errors first (controls the code claims, in file/line order), then the not-implemented ones, so
 * that dozens of missing controls do not bury a broken one.
 */
function planAnnotations(findings, map, opts = {}) {
    const { fallbackFile, profileScheme } = typeof opts === 'string' ? { fallbackFile: opts } : opts;
    const located = [];
    const unplaced = [];
    for (const f of findings) {
        if (f.status !== 'fail' && f.status !== 'error')
            continue;
        const base = {
            ruleId: f.ruleId,
            engine: f.engine,
            severity: f.severity,
            status: f.status,
            ...(f.fix ? { fix: f.fix } : {}),
        };
        const hit = locateFinding(map, f);
        if (hit) {
            const others = hit.all.slice(1).map((c) => `${c.file}:${c.line}`);
            const label = (0,cis_map/* refLabel */.E3)(hit.scheme, hit.id);
            const prefix = hit.exact
                ? ''
                : `No change carries ${label} itself; annotated on the change for section CIS ${hit.change.cisId}.\n`;
            located.push({
                ...base,
                level: 'error',
                file: hit.change.file,
                line: hit.change.line,
                endLine: hit.change.endLine,
                title: `${label}: ${f.title}`,
                message: `${prefix}${describeFinding(f)}${others.length ? `\nAlso changed at: ${others.join(', ')}` : ''}`,
                ...(hit.scheme === 'cis' ? { cisId: hit.id } : {}),
                control: label,
                implemented: true,
            });
            continue;
        }
        const control = controlOf(f, profileScheme);
        const label = control ? (0,cis_map/* refLabel */.E3)(control.scheme, control.id) : undefined;
        const where = { file: fallbackFile, line: fallbackFile ? 1 : undefined };
        // An engine's own low-severity advice (Lynis suggestions) is a notice, not a warning.
        const level = f.engine === 'lynis' && f.severity !== 'high' ? 'notice' : 'warning';
        const marker = control?.scheme === 'lynis'
            ? `# Lynis ${f.ruleId}`
            : label
                ? `# ${label}`
                : `# rule ${(0,cis_map/* shortRuleId */.ki)(f.ruleId)}`;
        unplaced.push({
            ...base,
            ...where,
            level,
            title: `${label ?? `${f.engine} ${(0,cis_map/* shortRuleId */.ki)(f.ruleId)}`}: ${f.title} (not implemented)`,
            message: `No change in the hardening code is marked for this control (add a "${marker}" comment where you implement it).\n${describeFinding(f)}`,
            ...(control?.scheme === 'cis' ? { cisId: control.id } : {}),
            ...(label ? { control: label } : {}),
            implemented: false,
        });
    }
    located.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    return [...located, ...unplaced];
}
/** Changed lines per file from `git diff --unified=0` output. */
function parseChangedLines(diff) {
    const out = new Map();
    let file;
    for (const line of diff.split('\n')) {
        if (line.startsWith('+++ ')) {
            const p = line.slice(4).trim();
            file = p === '/dev/null' ? undefined : p.replace(/^b\//, '');
            continue;
        }
        const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
        if (m && file) {
            const start = Number(m[1]);
            const count = m[2] === undefined ? 1 : Number(m[2]);
            const set = out.get(file) ?? new Set();
            for (let i = 0; i < count; i++)
                set.add(start + i);
            out.set(file, set);
        }
    }
    return out;
}
/** Whether a pull request changed the annotation's control: any line of its marker's block. */
function touchesChange(a, changed) {
    const lines = a.file && a.line ? changed.get(a.file) : undefined;
    if (!lines)
        return false;
    for (let l = a.line; l <= (a.implemented ? (a.endLine ?? a.line) : a.line); l++)
        if (lines.has(l))
            return true;
    return false;
}
/** Annotations on controls the pull request changed come first (stable otherwise). */
function prioritise(annotations, changed) {
    const onChanged = (a) => (touchesChange(a, changed) ? 0 : 1);
    return annotations
        .map((a, i) => ({ a, i }))
        .sort((x, y) => onChanged(x.a) - onChanged(y.a) || x.i - y.i)
        .map((x) => x.a);
}

;// CONCATENATED MODULE: ./action-scan/src/report/checks.ts
/**
 * Delivering annotations so that all of them reach the reviewer:
 *  - Checks API: one check run, annotations in batches of 50 (create, then update to append);
 *  - fallback (no token, or a read-only token as on pull requests from forks): workflow-command
 *    annotations, which GitHub caps at 10 errors / 10 warnings per step. The ones on lines the PR
 *    changed go first, the rest are printed to the log, and the log says how many were not shown.
 */


const CHECKS_BATCH = 50;
const WORKFLOW_COMMAND_LIMIT = 10;
/** Check run output.summary holds 65,535 characters; leave room for the delivery note. */
const CHECK_SUMMARY_LIMIT = 64_000;
/** Where the check run goes, from the GitHub Actions environment; undefined outside Actions. */
function checkTargetFromEnv(env, token, name) {
    const repoFull = env.GITHUB_REPOSITORY;
    if (!token || !repoFull || !repoFull.includes('/'))
        return undefined;
    let sha = env.GITHUB_SHA ?? '';
    // On pull_request events GITHUB_SHA is the merge commit; annotate the PR head instead.
    if (env.GITHUB_EVENT_PATH) {
        try {
            const ev = JSON.parse(external_node_fs_.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
            sha = ev?.pull_request?.head?.sha ?? sha;
        }
        catch {
            // no event payload: keep GITHUB_SHA
        }
    }
    if (!sha)
        return undefined;
    const [owner, repo] = repoFull.split('/');
    return { token, owner, repo, sha, name, baseUrl: env.GITHUB_API_URL };
}
function toCheckAnnotation(a) {
    return {
        path: a.file ?? '',
        start_line: a.line ?? 1,
        end_line: a.line ?? 1,
        annotation_level: a.level === 'error'
            ? 'failure'
            : a.level === 'notice'
                ? 'notice'
                : 'warning',
        title: a.title.slice(0, 255),
        message: a.message.slice(0, 64 * 1024 - 1),
        ...(a.fix ? { raw_details: `Suggested fix:\n${a.fix}`.slice(0, 64 * 1024 - 1) } : {}),
    };
}
function httpStatus(e) {
    return typeof e === 'object' && e && 'status' in e && typeof e.status === 'number' ? e.status : undefined;
}
/** Server errors, rate limits and network failures pass; a 4xx (permissions, validation) does not. */
function isTransient(e) {
    const s = httpStatus(e);
    return s === undefined || s >= 500 || s === 429;
}
async function withRetry(fn, opts = {}) {
    const attempts = opts.attempts ?? 4;
    let delay = opts.baseDelayMs ?? 1000;
    for (let i = 1;; i++) {
        try {
            return await fn();
        }
        catch (e) {
            if (i >= attempts || !isTransient(e))
                throw e;
            await new Promise((r) => setTimeout(r, Math.round(delay * (0.75 + Math.random() / 2))));
            delay *= 2;
        }
    }
}
function describeHttpError(e) {
    const s = httpStatus(e);
    return `${s ? `HTTP ${s}: ` : ''}${e.message}`.slice(0, 300);
}
/**
 * One check run with every annotation, 50 per request (create, then updates that append). Transient
 * failures are retried with backoff. If an update still fails, the remaining annotations are dropped
 * and the run is completed all the same, its summary saying how many are missing: a check run left
 * `in_progress` would block a required check forever. Throws only when the run cannot be created.
 */
async function publishCheckRun(target, annotations, output, io, retry = {}) {
    const github = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 92413));
    const octokit = github.getOctokit(target.token, {
        ...(target.baseUrl ? { baseUrl: target.baseUrl } : {}),
        retry: { enabled: false },
        request: { retries: 0 },
    });
    const summary = output.summary.slice(0, CHECK_SUMMARY_LIMIT);
    const batches = [];
    for (let i = 0; i < annotations.length; i += CHECKS_BATCH)
        batches.push(annotations.slice(i, i + CHECKS_BATCH));
    const first = batches.shift() ?? [];
    const created = await withRetry(() => octokit.rest.checks.create({
        owner: target.owner,
        repo: target.repo,
        name: target.name,
        head_sha: target.sha,
        status: batches.length ? 'in_progress' : 'completed',
        ...(batches.length ? {} : { conclusion: output.conclusion }),
        output: { title: output.title, summary, annotations: first.map(toCheckAnnotation) },
    }), retry);
    const id = created.data.id;
    const url = created.data.html_url ?? undefined;
    /** One update of this check run (retried): more annotations, and/or its completion. */
    const update = (out, complete) => withRetry(() => octokit.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: id,
        ...(complete ? { status: 'completed', conclusion: output.conclusion } : {}),
        output: { title: output.title, ...out },
    }), retry);
    let requests = 1;
    let sent = first.length;
    let problem;
    for (let i = 0; i < batches.length; i++) {
        const last = i === batches.length - 1;
        try {
            await update({ summary, annotations: batches[i].map(toCheckAnnotation) }, last);
            requests++;
            sent += batches[i].length;
        }
        catch (e) {
            requests++;
            problem = `updating the check run failed (${describeHttpError(e)})`;
            break;
        }
    }
    let completed = !problem;
    if (problem) {
        const missing = annotations.length - sent;
        io.warning(`Check run "${target.name}": ${problem}; ${missing} of ${annotations.length} annotation(s) could not be sent. Completing the check run without them.`);
        const note = `\n\n**${missing} of ${annotations.length} annotation(s) could not be sent to this check run** (${problem}). All of them are in the job summary, the SARIF file and the JSON report.`;
        try {
            await update({ summary: `${summary}${note}` }, true);
            completed = true;
        }
        catch (e) {
            problem += `; completing it failed too (${describeHttpError(e)})`;
            io.warning(`Check run "${target.name}" could not be completed: ${describeHttpError(e)}.`);
        }
        requests++;
    }
    io.info(`Check run "${target.name}": ${sent} of ${annotations.length} annotation(s) in ${requests} request(s)${completed ? '' : ', NOT completed'} ${url ?? ''}`);
    return { url, requests, sent, completed, problem };
}
/** How many more annotations of a level the reader will see in this step. */
function slotsLeft(io, level) {
    const cap = io.annotationCap ?? Number.POSITIVE_INFINITY;
    return Math.max(0, cap - (io.annotationsUsed?.()[level] ?? 0));
}
/**
 * Emit workflow-command annotations within GitHub's per-step cap; log the rest. One notice slot is
 * kept for this step's own message (how many were not shown and why), so that the action's own words
 * never take a finding's place and the key message is never the one dropped.
 */
function emitWorkflowAnnotations(io, annotations, changed, reason) {
    const ordered = prioritise(annotations, changed);
    const left = {
        error: slotsLeft(io, 'error'),
        warning: slotsLeft(io, 'warning'),
        notice: Math.max(0, slotsLeft(io, 'notice') - 1),
    };
    const rest = [];
    for (const a of ordered) {
        if (left[a.level] > 0) {
            left[a.level]--;
            io.annotate({ level: a.level, title: a.title, message: a.message, file: a.file, line: a.line });
        }
        else
            rest.push(a);
    }
    const shown = annotations.length - rest.length;
    if (rest.length) {
        io.annotate({
            level: 'notice',
            title: `${rest.length} of ${annotations.length} findings are not shown as annotations`,
            message: `GitHub shows at most ${WORKFLOW_COMMAND_LIMIT} annotations of each level per step, and the check run with all of them could not be used (${reason}). ` +
                'All findings are in the job summary, the SARIF file and the step log. Grant `checks: write` to see them all on the pull request.',
        });
        io.info(`${rest.length} finding(s) not shown as annotations:`);
        for (const a of rest)
            io.info(`  ${a.file ? `${a.file}:${a.line ?? 1}: ` : ''}${a.title}`);
    }
    else if (reason)
        io.info(`Annotations as workflow commands (${reason}).`);
    return { method: 'workflow-commands', shown, notShown: rest.length, reason };
}
/**
 * Checks API when possible, otherwise the graceful fallback. Never throws for permission or API
 * problems; a 403/404/401 means the token cannot create check runs, anything else is the API's fault.
 */
async function deliverAnnotations(io, target, annotations, output, changed, retry = {}) {
    let reason = 'no GitHub token/repository in the environment';
    const located = annotations.filter((a) => a.file);
    const unlocated = annotations.filter((a) => !a.file);
    if (target) {
        try {
            const r = await publishCheckRun(target, located, output, io, retry);
            // A finding with no file cannot go on a check run; it still goes to the log (and SARIF).
            for (const a of unlocated)
                io.info(`not annotated (no file): ${a.title}`);
            return {
                method: 'checks',
                shown: r.sent,
                notShown: annotations.length - r.sent,
                checkRunUrl: r.url,
                completed: r.completed,
                ...(r.problem ? { reason: r.problem } : {}),
            };
        }
        catch (e) {
            const status = httpStatus(e);
            reason =
                status === 403 || status === 404 || status === 401
                    ? `the token cannot create check runs (HTTP ${status}; pull requests from forks get a read-only token, or the job lacks \`checks: write\`)`
                    : `the Checks API failed to create the check run (${describeHttpError(e)}), after retries`;
            io.info(`Could not publish the check run: ${reason}. Falling back to workflow annotations.`);
        }
    }
    let changedLines = new Map();
    try {
        changedLines = await changed();
    }
    catch {
        // no diff available: keep the plan's order
    }
    return emitWorkflowAnnotations(io, annotations, changedLines, reason);
}

;// CONCATENATED MODULE: ./action-scan/src/report/report.ts
const REPORT_SCHEMA = 'ami-bakery/scan-report@1';
function keyOf(f) {
    return `${f.engine}:${f.ruleId}`;
}
function toReportFinding(f, location) {
    return {
        engine: f.engine,
        ruleId: f.ruleId,
        title: f.title,
        severity: f.severity,
        status: f.status,
        cisIds: f.cisIds,
        ...(location ? { location } : {}),
        ...(f.expected ? { expected: f.expected } : {}),
        ...(f.found ? { found: f.found } : {}),
    };
}
/** New failures: failing now, not failing in the baseline. Fixed: failing in the baseline, passing now. */
function compareReports(current, baseline) {
    const before = new Map(baseline.findings.map((f) => [keyOf(f), f]));
    const now = new Map(current.findings.map((f) => [keyOf(f), f]));
    const newFailures = current.findings.filter((f) => f.status === 'fail' && before.get(keyOf(f))?.status !== 'fail');
    const fixed = baseline.findings.filter((f) => {
        const n = now.get(keyOf(f));
        return f.status === 'fail' && (n?.status === 'pass' || n?.status === 'fixed');
    });
    return {
        baselineScore: baseline.score,
        scoreDelta: Math.round((current.score - baseline.score) * 10) / 10,
        newFailures,
        fixed,
    };
}
function validateReport(doc, source) {
    const d = doc;
    if (!d || d.schema !== REPORT_SCHEMA || !Array.isArray(d.findings) || typeof d.score !== 'number') {
        throw new Error(`${source} is not an ami-bakery scan report (expected "schema": "${REPORT_SCHEMA}")`);
    }
    return d;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./action-scan/src/report/sarif.ts
/**
 * SARIF 2.1.0 for github/codeql-action/upload-sarif: one rule per CIS control (`CIS-5.2.5`; checks
 * without a CIS ID get `<engine>/<rule>`), each result located at the hardening-script line, with a
 * partialFingerprint that is stable across runs (it does not include the line number).
 */


const SECURITY_SEVERITY = {
    critical: '9.5',
    high: '8.0',
    medium: '5.5',
    low: '3.0',
    info: '1.0',
    unknown: '5.0',
};
function ruleIdOf(a) {
    if (a.cisId)
        return `CIS-${a.cisId}`;
    if (a.control && /^(ANSSI|STIG) /.test(a.control))
        return a.control.replace(/\s+/g, '-');
    return `${a.engine}/${(0,cis_map/* shortRuleId */.ki)(a.ruleId)}`;
}
const sarifLevel = (a) => (a.level === 'notice' ? 'note' : a.level);
/**
 * Code scanning rejects results with no location, so an annotation with no file (only possible when
 * there is no template, hardening file, repository results file or workflow file to place it on) is
 * left out; the JSON report still has it.
 */
function buildSarif(annotations, opts) {
    const rules = [];
    const index = new Map();
    const results = annotations
        .filter((a) => a.file)
        .map((a) => {
        const id = ruleIdOf(a);
        if (!index.has(id)) {
            index.set(id, rules.length);
            const name = a.title.replace(/^[^:]+: /, '').replace(/ \(not implemented\)$/, '');
            rules.push({
                id,
                name: id.replace(/[^A-Za-z0-9]/g, ''),
                shortDescription: { text: a.control ? `${a.control}: ${name}` : name },
                fullDescription: {
                    text: a.cisId ? `CIS benchmark recommendation ${a.cisId}.` : `${a.engine} check ${a.ruleId}.`,
                },
                help: {
                    text: `${a.message}${a.fix ? `\nSuggested fix:\n${a.fix}` : ''}`,
                    markdown: `${a.message.replace(/\n/g, '  \n')}${a.fix ? `\n\nSuggested fix:\n\n\`\`\`\n${a.fix}\n\`\`\`` : ''}`,
                },
                defaultConfiguration: { level: sarifLevel(a) },
                properties: {
                    tags: ['security', 'compliance', ...(a.cisId ? ['cis'] : [])],
                    'security-severity': SECURITY_SEVERITY[a.severity] ?? '5.0',
                },
            });
        }
        const fingerprint = (0,external_node_crypto_.createHash)('sha256')
            .update([id, a.engine, a.ruleId, a.file ?? ''].join('\0'))
            .digest('hex');
        const result = {
            ruleId: id,
            ruleIndex: index.get(id),
            level: sarifLevel(a),
            message: { text: `${a.title}\n${a.message}` },
            partialFingerprints: { 'amiBakeryFinding/v1': fingerprint },
            properties: { engineRuleId: a.ruleId, implemented: a.implemented },
        };
        result.locations = [
            {
                physicalLocation: {
                    artifactLocation: { uri: a.file, uriBaseId: '%SRCROOT%' },
                    region: { startLine: a.line ?? 1 },
                },
            },
        ];
        return result;
    });
    return {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'ami-bakery',
                        informationUri: 'https://github.com/ami-bakery/ami-bakery',
                        version: opts.toolVersion,
                        rules,
                    },
                },
                automationDetails: { id: `ami-bakery/scan/${opts.category}/` },
                results,
            },
        ],
    };
}

;// CONCATENATED MODULE: ./action-scan/src/report/summary.ts
const SUMMARY_LIMIT = 1024 * 1024 - 64 * 1024; // GitHub caps a step's summary at 1 MiB
function cell(s) {
    return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
function buildSummary(s, limit = SUMMARY_LIMIT) {
    const out = [];
    out.push(`## ${s.title}`, '');
    out.push(`**Score ${s.score}%** (severity-weighted ${s.weightedScore}%) — ${s.gate.verdict === 'passed'
        ? '✅ gate passed'
        : s.gate.verdict === 'failed'
            ? '❌ gate failed'
            : '⚠️ no gate (ungated)'}`);
    for (const r of s.gate.reasons)
        out.push(`- ${r}`);
    out.push('');
    for (const e of s.extra ?? [])
        out.push(e, '');
    if (s.profile || s.target)
        out.push(`Profile \`${s.profile ?? '-'}\` on \`${s.target ?? '-'}\``, '');
    const c = s.counts;
    out.push('| passed | failed | errors | not applicable | not checked | total |', '|---:|---:|---:|---:|---:|---:|', `| ${c.passed} | ${c.failed} | ${c.errors} | ${c.notapplicable} | ${c.notchecked} | ${c.total} |`, '');
    if (s.diff) {
        out.push(`Compared with the baseline (score ${s.diff.baselineScore}%, ${s.diff.scoreDelta >= 0 ? '+' : ''}${s.diff.scoreDelta}): ` +
            `**${s.diff.newFailures.length} new failure(s)**, ${s.diff.fixed.length} newly fixed.`, '');
        if (s.diff.newFailures.length) {
            out.push('New failures:', '');
            for (const f of s.diff.newFailures.slice(0, 200)) {
                out.push(`- ${f.cisIds.length ? `CIS ${f.cisIds.join(', ')} ` : ''}${cell(f.title)}`);
            }
            out.push('');
        }
        if (s.diff.fixed.length) {
            out.push('Newly fixed:', '');
            for (const f of s.diff.fixed.slice(0, 200))
                out.push(`- ${f.cisIds.length ? `CIS ${f.cisIds.join(', ')} ` : ''}${cell(f.title)}`);
            out.push('');
        }
    }
    if (s.delivery)
        out.push(s.delivery, '');
    // Controls the code claims come first: a broken one must not hide under dozens of missing ones.
    const sections = [
        ['Failing controls the hardening code implements', s.annotations.filter((a) => a.implemented)],
        ['Failing controls not implemented in the hardening code', s.annotations.filter((a) => !a.implemented)],
    ];
    let size = out.join('\n').length;
    let left = 0;
    for (const [heading, rows] of sections) {
        if (!rows.length)
            continue;
        const head = [
            `### ${heading} (${rows.length})`,
            '',
            '| Control | Title | Severity | Where |',
            '|---|---|---|---|',
        ];
        if (left || size + head.join('\n').length + 300 > limit) {
            left += rows.length;
            continue;
        }
        out.push(...head);
        size += head.join('\n').length + 1;
        for (const a of rows) {
            const row = `| ${a.control ?? '—'} | ${cell(a.title.replace(/^[^:]+: /, '').replace(/ \(not implemented\)$/, ''))} | ${a.severity} | ${a.file ? `\`${a.file}${a.implemented && a.line ? `:${a.line}` : ''}\`` : '—'} |`;
            if (left || size + row.length + 300 > limit) {
                left++;
                continue;
            }
            out.push(row);
            size += row.length + 1;
        }
        out.push('');
    }
    if (left) {
        out.push(`…and ${left} more row(s) left out to stay under the ${limit < SUMMARY_LIMIT ? 'check run summary' : 'job summary'} limit (${limit.toLocaleString('en-US')} characters): see the SARIF file and the JSON report.`);
    }
    return `${out.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./action-scan/src/targets.ts
/**
 * Where the scan runs: `results` (parse given files), `local` (oscap here), `chroot:<dir>`
 * (oscap-chroot), `ssh://user@host[:port]` (content copied over SFTP, oscap run remotely, ARF
 * brought back; ssh2, with every remote command built from an argv array and quoted).
 */




function parseTarget(raw) {
    const v = raw.trim() || 'results';
    if (v === 'results' || v === 'local' || v === 'none')
        return { kind: v };
    if (v.startsWith('chroot:')) {
        const dir = v.slice('chroot:'.length);
        if (!dir)
            throw new errors/* InputError */.dz('target', '"chroot:" needs a directory.', 'e.g. target: chroot:/mnt/image');
        return { kind: 'chroot', dir };
    }
    if (v.startsWith('ssh://')) {
        const m = /^ssh:\/\/([A-Za-z0-9._-]+)@(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(v);
        if (!m)
            throw new errors/* InputError */.dz('target', `"${v}" is not an ssh target.`, 'use ssh://user@host or ssh://user@host:port');
        const port = m[3] ? Number(m[3]) : 22;
        if (port < 1 || port > 65535)
            throw new errors/* InputError */.dz('target', `port ${port} is out of range.`, 'use a port from 1 to 65535.');
        return { kind: 'ssh', user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port };
    }
    throw new errors/* InputError */.dz('target', `"${v}" is not a known target.`, 'use results, local, chroot:<dir>, ssh://user@host[:port], or none (with in-use: true).');
}
/** Whether an executable of that name is on PATH. */
function onPath(file, pathVar = process.env.PATH ?? '') {
    return pathVar
        .split(external_node_path_.delimiter)
        .filter(Boolean)
        .some((dir) => {
        try {
            external_node_fs_.accessSync(external_node_path_.join(dir, file), external_node_fs_.constants.X_OK);
            return true;
        }
        catch {
            return false;
        }
    });
}
/** oscap exits 0 (all pass) or 2 (some rule failed) after a complete evaluation; anything else is an error. */
function checkOscapExit(what, code, stderr, arf) {
    if (code === 0 || code === 2) {
        if (!external_node_fs_.existsSync(arf) || external_node_fs_.statSync(arf).size === 0)
            throw new Error(`${what} finished but wrote no results to ${arf}`);
        return;
    }
    const tail = stderr.trim().split('\n').slice(-8).join('\n');
    throw new Error(`${what} failed (exit ${code}):\n${tail}`);
}
function oscapArgs(run, arf, ds) {
    return ['xccdf', 'eval', '--profile', run.profile, '--results-arf', arf, ds];
}
async function runOscapLocal(io, run, chrootDir) {
    const file = chrootDir ? 'oscap-chroot' : 'oscap';
    const args = chrootDir
        ? [chrootDir, ...oscapArgs(run, run.arfFile, run.datastream)]
        : oscapArgs(run, run.arfFile, run.datastream);
    io.info(`$ ${file} ${args.join(' ')}`);
    if (!onPath(file, io.env.PATH))
        throw new errors/* EnvironmentError */.eG(`${file} is not installed on this runner (not found on PATH). Install it first: sudo apt-get install -y ${chrootDir ? 'openscap-utils' : 'openscap-scanner'} ssg-debderived (Debian/Ubuntu), or openscap-scanner scap-security-guide (dnf).`);
    let stderrLines = 0;
    const r = await (0,exec.exec)(file, args, {
        timeoutMs: run.timeoutMs,
        signal: run.signal,
        killGraceMs: 5000,
        onStderrLine: (l) => {
            if (stderrLines++ < 50)
                io.debug(l);
        },
    });
    if (r.timedOut)
        throw new Error(`${file} did not finish within the timeout (${Math.round(run.timeoutMs / 1000)} s)`);
    if (r.aborted)
        throw new Error(`${file} was cancelled`);
    checkOscapExit(file, r.code, r.stderr, run.arfFile);
}
async function runOscapSsh(io, s) {
    const { Ssh } = await Promise.all(/* import() */[__webpack_require__.e(472), __webpack_require__.e(197)]).then(__webpack_require__.bind(__webpack_require__, 18197));
    const conn = await Ssh.connect(s.target, s.ssh, io);
    let remoteDir;
    const sudo = s.target.user === 'root' ? [] : ['sudo', '-n'];
    try {
        const os = await conn.run(['cat', '/etc/os-release']);
        const datastream = await s.chooseDatastream(os.code === 0 ? os.stdout : '');
        const mk = await conn.run(['mktemp', '-d', '/tmp/ami-bakery-scan.XXXXXX']);
        if (mk.code !== 0)
            throw new Error(`could not create a remote directory: ${mk.stderr.trim()}`);
        remoteDir = mk.stdout.trim();
        const remoteDs = `${remoteDir}/${external_node_path_.basename(datastream)}`;
        const remoteArf = `${remoteDir}/arf.xml`;
        io.info(`Copying ${external_node_path_.basename(datastream)} to ${s.target.host}:${remoteDir}`);
        await conn.sftp('put', datastream, remoteDs);
        const argv = [
            ...sudo,
            'oscap',
            'xccdf',
            'eval',
            '--profile',
            s.profile,
            '--results-arf',
            remoteArf,
            remoteDs,
        ];
        io.info(`$ ssh ${s.target.user}@${s.target.host} ${argv.join(' ')}`);
        const r = await conn.run(argv, s.timeoutMs);
        if (r.code === 127) {
            throw new Error(`oscap is not installed on ${s.target.host}: install openscap-scanner (apt) or openscap-scanner (dnf/yum) on the target`);
        }
        if (r.code !== 0 && r.code !== 2) {
            throw new Error(`remote oscap failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
        }
        await conn.sftp('get', s.arfFile, remoteArf);
        return { datastream };
    }
    finally {
        if (remoteDir)
            await conn.run([...sudo, 'rm', '-rf', '--', remoteDir]).catch(() => undefined);
        conn.close();
    }
}

;// CONCATENATED MODULE: ./action-scan/src/version.ts
/** The ami-bakery version reported in SARIF and tags (kept in step with package.json by a test). */
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./action-scan/src/scan.ts
/**
 * action-scan: run (or read) a compliance scan, normalise it, score it, compare it with a baseline,
 * and report every failing control on the hardening-script line that implements it.
 */
























/** Read and validate every input before anything runs. */
function readConfig(io) {
    const inp = new inputs/* Inputs */.G0(io);
    const target = parseTarget(inp.string('target'));
    const results = inp.list('results');
    if (target.kind === 'results' && results.length === 0) {
        throw new errors/* InputError */.dz('results', 'is required when target is "results".', 'give oscap/Lynis/InSpec result files, e.g. results: out/arf.xml');
    }
    const inUse = inp.boolean('in-use');
    if (target.kind === 'none' && !inUse) {
        throw new errors/* InputError */.dz('target', '"none" only finds the images in use, so it needs in-use: true.', 'set in-use: true, or choose a target to scan.');
    }
    const regions = inp.list('regions');
    const inUseRegions = inUse
        ? regions.length
            ? regions.map((r) => (0,validate/* validateRegion */.jq)('regions', r))
            : [(0,validate/* resolveRegion */.Zv)('aws-region', inp.string('aws-region'), io.env)]
        : [];
    const timeoutMin = inp.number('timeout', 1, 24 * 60) ?? 30;
    const amiId = inp.string('ami-id') ? (0,validate/* validateAmiId */.VC)('ami-id', inp.string('ami-id')) : undefined;
    const root = (0,workspace/* repoRoot */.jv)(io.env);
    const templateGiven = inp.existingPath('template', 'file');
    const template = templateGiven ? (0,workspace/* repoPath */.qN)(root, templateGiven, 'template') : undefined;
    const failOn = parseFailOn(inp.string('fail-on'));
    const minScore = inp.number('min-score', 0, 100);
    const failOnNewFailures = inp.boolean('fail-on-new-failures');
    const datastream = inp.string('datastream') || 'auto';
    if (datastream !== 'auto' && !external_node_fs_.existsSync(datastream)) {
        throw new errors/* InputError */.dz('datastream', `"${datastream}" does not exist.`, 'give an ssg-*-ds.xml path, or auto.');
    }
    const sshKey = target.kind === 'ssh' ? (0,ssh_keys/* loadPrivateKey */.P)(inp.string('ssh-key')) : '';
    if (sshKey)
        io.setSecret(sshKey);
    const token = inp.string('github-token');
    if (token)
        io.setSecret(token);
    return {
        target,
        results,
        datastream,
        profile: target.kind === 'results'
            ? inp.string('profile')
            : normaliseProfile(inp.string('profile') || 'cis_level1_server'),
        contentVersion: inp.string('content-version'),
        hardeningScripts: inp.list('hardening-scripts'),
        template,
        sshKey,
        sshKnownHosts: inp.string('ssh-known-hosts'),
        timeoutMs: timeoutMin * 60_000,
        sarifFile: inp.string('sarif-file'),
        reportFile: inp.string('report-file'),
        baseline: inp.string('baseline'),
        minScore,
        failOn,
        failOnNewFailures,
        resultsFile: inp.string('results-file'),
        root,
        amiId,
        // in-use without aws-region: the first region looked at
        awsRegion: inUse && !inp.string('aws-region')
            ? inUseRegions[0]
            : amiId || inUse
                ? (0,validate/* resolveRegion */.Zv)('aws-region', inp.string('aws-region'), io.env)
                : undefined,
        inUse: inUse ? { regions: inUseRegions } : undefined,
        githubToken: token,
        checkName: inp.string('check-name') || 'ami-bakery scan',
    };
}
async function expandResults(patterns) {
    const files = [];
    for (const p of patterns) {
        if (external_node_fs_.existsSync(p) && external_node_fs_.statSync(p).isDirectory()) {
            throw new errors/* InputError */.dz('results', `"${p}" is a directory, not a result file.`, `name the result files in it, e.g. ${external_node_path_.join(p, '*.xml')}.`);
        }
        if (external_node_fs_.existsSync(p)) {
            files.push(p);
            continue;
        }
        if (!out_default().isDynamicPattern(p)) {
            throw new errors/* InputError */.dz('results', `"${p}" does not exist (relative paths are from ${process.cwd()}).`, 'check the path of the result file.');
        }
        const found = await out_default()(p, { onlyFiles: true });
        if (!found.length)
            throw new errors/* InputError */.dz('results', `no files match "${p}".`, 'check the glob and that the scan wrote its results.');
        files.push(...found.sort());
    }
    return [...new Set(files)];
}
function workDir(env) {
    const base = env.RUNNER_TEMP || external_node_os_.tmpdir();
    return external_node_fs_.mkdtempSync(external_node_path_.join(base, 'ami-bakery-scan-'));
}
/** Run the scan engine for non-`results` targets; returns the ARF path. */
async function runEngine(io, cfg, work, signal) {
    if (cfg.target.kind === 'results')
        return { files: await expandResults(cfg.results) };
    const contentDirs = cfg.contentVersion
        ? [await downloadContent(cfg.contentVersion), ...SYSTEM_CONTENT_DIRS]
        : SYSTEM_CONTENT_DIRS;
    const arfFile = external_node_path_.join(work(), 'results-arf.xml');
    const pickDatastream = (osText, where) => {
        if (cfg.datastream !== 'auto')
            return cfg.datastream;
        const osr = parseOsRelease(osText);
        if (!osr)
            throw new errors/* InputError */.dz('datastream', `auto: cannot read /etc/os-release of ${where}.`, 'give the data stream path explicitly.');
        return resolveDatastreamForOs(osr, contentDirs);
    };
    let datastream;
    if (cfg.target.kind === 'ssh') {
        const t = cfg.target;
        const r = await io.group(`OpenSCAP over SSH on ${t.host}`, () => runOscapSsh(io, {
            target: t,
            ssh: { privateKey: cfg.sshKey, knownHosts: cfg.sshKnownHosts },
            chooseDatastream: async (osText) => {
                const ds = pickDatastream(osText, t.host);
                checkProfile(ds, cfg.profile);
                return ds;
            },
            profile: cfg.profile,
            arfFile,
            timeoutMs: cfg.timeoutMs,
        }));
        datastream = r.datastream;
    }
    else {
        let root = '/';
        if (cfg.target.kind === 'chroot') {
            root = cfg.target.dir;
            if (!external_node_fs_.existsSync(root) || !external_node_fs_.statSync(root).isDirectory()) {
                throw new errors/* InputError */.dz('target', `chroot directory "${root}" does not exist.`, 'mount or unpack the image root filesystem there first.');
            }
        }
        let osText = '';
        for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
            const p = external_node_path_.join(root, rel);
            if (external_node_fs_.existsSync(p)) {
                osText = external_node_fs_.readFileSync(p, 'utf8');
                break;
            }
        }
        datastream = pickDatastream(osText, root);
        checkProfile(datastream, cfg.profile);
        const chroot = cfg.target.kind === 'chroot' ? cfg.target.dir : undefined;
        await io.group(`OpenSCAP ${cfg.profile.replace(/^xccdf_org\.ssgproject\.content_profile_/, '')} on ${chroot ?? 'this host'}`, () => runOscapLocal(io, { datastream, profile: cfg.profile, arfFile, timeoutMs: cfg.timeoutMs, signal }, chroot));
    }
    io.info(`Results: ${arfFile} (${(external_node_fs_.statSync(arfFile).size / 1e6).toFixed(1)} MB)`);
    return { files: [arfFile], datastream };
}
async function loadBaseline(io, cfg, profileKey) {
    if (!cfg.baseline)
        return undefined;
    let file = cfg.baseline;
    if (cfg.baseline === 'cache') {
        const restored = await restoreBaselineCache(io, profileKey);
        if (!restored)
            return undefined;
        file = restored;
    }
    let text;
    try {
        text = external_node_fs_.readFileSync(file, 'utf8');
    }
    catch {
        throw new errors/* InputError */.dz('baseline', `"${file}" cannot be read.`, 'give the report-file of an earlier run, or "cache".');
    }
    try {
        return validateReport(JSON.parse(text), file);
    }
    catch (e) {
        throw new errors/* InputError */.dz('baseline', (0,errors/* messageOf */.bD)(e), 'give the JSON report-file written by an earlier ami-bakery scan.');
    }
}
const BASELINE_CACHE_PATH = '.ami-bakery/baseline-report.json';
async function restoreBaselineCache(io, profileKey) {
    const cache = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 61691));
    if (!cache.isFeatureAvailable()) {
        io.warning('baseline: cache: the Actions cache service is not available here; comparing with no baseline.');
        return undefined;
    }
    const key = await cache.restoreCache([BASELINE_CACHE_PATH], `ami-bakery-scan-${profileKey}-`, [
        `ami-bakery-scan-${profileKey}-`,
    ]);
    if (!key) {
        io.info('baseline: no cached report from the default branch yet; this run has no baseline.');
        return undefined;
    }
    io.info(`baseline: restored ${key}`);
    return BASELINE_CACHE_PATH;
}
async function saveBaselineCache(io, report, profileKey) {
    const env = io.env;
    let defaultBranch;
    try {
        defaultBranch = JSON.parse(external_node_fs_.readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'))?.repository
            ?.default_branch;
    }
    catch {
        defaultBranch = undefined;
    }
    if (!defaultBranch || env.GITHUB_REF !== `refs/heads/${defaultBranch}`)
        return;
    const cache = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 61691));
    if (!cache.isFeatureAvailable())
        return;
    external_node_fs_.mkdirSync(external_node_path_.dirname(BASELINE_CACHE_PATH), { recursive: true });
    external_node_fs_.copyFileSync(report, BASELINE_CACHE_PATH);
    const key = `ami-bakery-scan-${profileKey}-${env.GITHUB_RUN_ID ?? Date.now()}-${env.GITHUB_RUN_ATTEMPT ?? 1}`;
    try {
        await cache.saveCache([BASELINE_CACHE_PATH], key);
        io.info(`baseline: saved this report as ${key} for later runs`);
    }
    catch (e) {
        io.warning(`baseline: could not save the report to the cache: ${(0,errors/* messageOf */.bD)(e)}`);
    }
}
/**
 * Lines a pull request changed, per repository path: `git diff` against the event's base commit
 * (fetched with depth 1 when actions/checkout's shallow clone lacks it).
 */
async function changedLinesFromGit(env, root) {
    let base;
    try {
        base = JSON.parse(external_node_fs_.readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'))?.pull_request?.base?.sha;
    }
    catch {
        base = undefined;
    }
    const ref = base ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined);
    if (!ref)
        return new Map();
    const diff = () => (0,exec.exec)('git', ['diff', '--unified=0', '--no-color', '--no-ext-diff', ref, 'HEAD', '--'], {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
    });
    let r = await diff();
    if (r.code !== 0 && base) {
        await (0,exec.exec)('git', ['fetch', '--no-tags', '--depth=1', 'origin', base], { cwd: root, timeoutMs: 60_000 });
        r = await diff();
    }
    return r.code === 0 ? parseChangedLines(r.stdout) : new Map();
}
function mergeResultSets(sets) {
    const findings = sets.flatMap((s) => s.findings);
    const profile = sets.map((s) => s.profile).find(Boolean);
    const target = sets.map((s) => s.target).find(Boolean);
    return { findings, profile, target };
}
/** in-use: the images running instances use, in every region asked for. */
async function discoverInUse(io, regions) {
    return io.group(`Images in use in ${regions.join(', ')}`, async () => {
        const { ec2Client } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
        const { findImagesInUse } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(15)]).then(__webpack_require__.bind(__webpack_require__, 43015));
        const all = [];
        for (const region of regions) {
            const found = await findImagesInUse(ec2Client(region), region);
            io.info(`${region}: ${found.reduce((n, i) => n + i.instances, 0)} running instance(s) use ${found.length} image(s), ${found.filter(isGolden).length} golden`);
            all.push(...found);
        }
        return all;
    });
}
/** Tags the vulnerable images in use that are ours (golden) and the scanned one; returns those tagged. */
async function tagVulnerable(io, scanned, images, score, reasons) {
    const toTag = vulnerableImages(images, scanned).filter((v) => v.imageId === scanned || (v.known && isGolden(v)));
    if (!toTag.length)
        return [];
    const { ec2Client, tagImages } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
    const tags = {
        [aws_tags/* TAG */.Dk.vulnerable]: 'true',
        [aws_tags/* TAG */.Dk.vulnerableSince]: new Date().toISOString().slice(0, 10),
        [aws_tags/* TAG */.Dk.vulnerableReason]: `re-scan of ${scanned}: ${score}%; ${reasons.join('; ')}`.slice(0, 255),
    };
    await io.group(`Tagging ${toTag.length} image(s) in use as vulnerable`, async () => {
        for (const region of [...new Set(toTag.map((v) => v.region))]) {
            const ids = toTag.filter((v) => v.region === region).map((v) => v.imageId);
            await tagImages(ec2Client(region), ids, tags);
            io.info(`${region}: ${ids.join(', ')}`);
        }
    });
    return toTag;
}
/** How the check run and summary name the scan: by its profile's benchmark, not always "CIS". */
function profileLabel(profile, engine) {
    const short = (profile ?? '').replace(/^xccdf_[^_]+_profile_/, '');
    if (engine === 'lynis')
        return { label: 'Lynis audit', scheme: 'lynis' };
    if (/(^|_)cis(_|$)/i.test(short))
        return { label: 'CIS compliance', scheme: 'cis' };
    if (/stig/i.test(short))
        return { label: 'STIG compliance', scheme: 'stig' };
    if (/anssi/i.test(short))
        return { label: 'ANSSI compliance', scheme: 'anssi' };
    return { label: short ? `Compliance (${short})` : 'Compliance' };
}
/** The workflow file that ran this job, as a repository path (GITHUB_WORKFLOW_REF), if it is there. */
function workflowFile(env, root) {
    const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(env.GITHUB_WORKFLOW_REF ?? '');
    return m && external_node_fs_.existsSync(external_node_path_.join(root, m[1])) ? m[1] : undefined;
}
async function runScan(io, signal) {
    const cfg = readConfig(io);
    const inUseImages = cfg.inUse ? await discoverInUse(io, cfg.inUse.regions) : undefined;
    let subject = { amiId: cfg.amiId, region: cfg.awsRegion };
    if (inUseImages) {
        if (!cfg.amiId) {
            const chosen = chooseInUseImage(inUseImages, cfg.awsRegion);
            if (chosen) {
                subject = { amiId: chosen.imageId, region: chosen.region };
                io.info(`Newest golden image in use: ${chosen.imageId} (${chosen.name ?? ''}, ${chosen.region})`);
            }
            else
                io.warning(`No golden image (tag ${aws_tags/* TAG */.Dk.status}=golden) is used by a running instance.`);
        }
        io.setOutput('in-use-amis', JSON.stringify(inUseImages));
        io.setOutput('ami-id', subject.amiId ?? '');
    }
    if (cfg.target.kind === 'none') {
        await io.appendSummary([
            '## ami-bakery: images in use',
            '',
            inUseImages.length ? inUseTable(inUseImages, subject.amiId) : 'No running instances.',
            '',
            subject.amiId
                ? `Newest golden image in use: \`${subject.amiId}\` (${subject.region}); scan it with the same action, \`ami-id\` set to it.`
                : '',
            '',
        ].join('\n'));
        return undefined;
    }
    const changeMap = await io.group('CIS change map', async () => {
        const m = await (0,cis_map/* loadChangeMap */.NS)(cfg.hardeningScripts, { root: cfg.root, cwd: process.cwd() });
        io.info(`${m.changes.length} marker(s) for ${m.byId.size} control(s) in ${m.files.length} file(s) (sha256 ${m.sha256.slice(0, 12)})`);
        return m;
    });
    if (cfg.failOn === 'none' && cfg.minScore === undefined && !cfg.failOnNewFailures)
        io.warning(`fail-on: none and no min-score: this scan gates nothing. The AMI is tagged ${aws_tags/* TAG */.Dk.scan}=ungated, which promote does not accept as passed.`);
    let dir;
    const work = () => {
        dir ??= workDir(io.env);
        return dir;
    };
    try {
        const collected = await collectResults(io, cfg, work, signal);
        return await scanWith(io, cfg, subject, changeMap, collected, inUseImages);
    }
    finally {
        if (dir)
            external_node_fs_.rmSync(dir, { recursive: true, force: true });
    }
}
/** Run the engine (or take the given result files), parse every file, keep the raw results where asked. */
async function collectResults(io, cfg, work, signal) {
    const engine = await runEngine(io, cfg, work, signal);
    const datastream = cfg.datastream !== 'auto' ? cfg.datastream : engine.datastream;
    let dsRules;
    const datastreamRules = async () => {
        if (!datastream) {
            throw new errors/* InputError */.dz('datastream', 'the result file has no benchmark (rule titles and CIS references).', 'give the data stream the scan used, e.g. datastream: /usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml, or scan with --results-arf.');
        }
        dsRules ??= await loadDatastreamRules(datastream);
        return dsRules;
    };
    const sets = [];
    await io.group('Parsing results', async () => {
        for (const f of engine.files) {
            const t0 = Date.now();
            const rs = await parseResultsFile(f, { datastreamRules, datastream });
            const shown = (0,workspace/* insideRoot */.p0)(cfg.root, external_node_path_.resolve(f)) ?? f;
            io.info(`${shown}: ${rs.engine}, ${rs.findings.length} result(s) in ${Date.now() - t0} ms`);
            for (const n of rs.notes ?? [])
                io.info(`${n} (not counted: it is about the scanner, not the image)`);
            sets.push(rs);
        }
    });
    // The raw results of an engine run: kept where results-file says, else deleted with the work dir.
    let kept = cfg.target.kind === 'results' ? engine.files : [];
    if (cfg.target.kind !== 'results') {
        if (cfg.resultsFile) {
            external_node_fs_.mkdirSync(external_node_path_.dirname(external_node_path_.resolve(cfg.resultsFile)), { recursive: true });
            external_node_fs_.copyFileSync(engine.files[0], cfg.resultsFile);
            kept = [cfg.resultsFile];
            io.info(`Results kept at ${cfg.resultsFile}`);
        }
        else
            io.info('Raw results deleted after parsing (set results-file to keep them).');
    }
    return { files: engine.files, sets, kept };
}
async function analyse(io, cfg, subject, changeMap, { files, sets, kept }) {
    const merged = mergeResultSets(sets);
    const { score, weightedScore, counts } = computeScore(merged.findings);
    if (counts.total === 0) {
        throw new errors/* InputError */.dz('results', 'contain no rule results (empty result set).', 'check the scan ran a profile: oscap xccdf eval --profile ...');
    }
    if (counts.passed + counts.failed === 0 && counts.notapplicable === counts.total) {
        throw new errors/* InputError */.dz(cfg.target.kind === 'results' ? 'results' : 'datastream', `every one of ${counts.total} rules is notapplicable: the content does not match the scanned system's platform.`, 'scan the OS the profile is for (e.g. the ubuntu2204 data stream on an Ubuntu 22.04 image).');
    }
    const profileKey = (merged.profile ?? cfg.profile ?? 'default')
        .replace(/^xccdf_org\.ssgproject\.content_profile_/, '')
        .replace(/[^\w.-]/g, '_');
    const baseline = await loadBaseline(io, cfg, profileKey);
    const { label, scheme } = profileLabel(merged.profile ?? cfg.profile, sets[0]?.engine ?? '');
    // Every finding needs a place: the template, else the first hardening file, else the results
    // file, else the workflow file (all repository paths).
    const resultsInRepo = kept.map((f) => (0,workspace/* insideRoot */.p0)(cfg.root, external_node_path_.resolve(f))).find((f) => f && f !== '.');
    const fallbackFile = cfg.template ?? changeMap.files[0] ?? resultsInRepo ?? workflowFile(io.env, cfg.root);
    const annotations = planAnnotations(merged.findings, changeMap, { fallbackFile, profileScheme: scheme });
    const locationOf = new Map(annotations.map((a) => [
        `${a.engine}:${a.ruleId}`,
        a.implemented && a.file ? `${a.file}:${a.line}` : undefined,
    ]));
    const report = {
        schema: REPORT_SCHEMA,
        generatedAt: new Date().toISOString(),
        profile: merged.profile,
        target: merged.target,
        sources: files,
        score,
        weightedScore,
        counts,
        hardeningSha: changeMap.sha256,
        amiId: subject.amiId,
        findings: merged.findings
            .filter((f) => f.status !== 'notselected')
            .map((f) => toReportFinding(f, locationOf.get(`${f.engine}:${f.ruleId}`))),
    };
    const diff = baseline ? compareReports(report, baseline) : undefined;
    const gate = evaluateScanGate({ score, annotations, diff }, cfg);
    return { merged, score, weightedScore, counts, profileKey, label, annotations, report, diff, gate };
}
async function scanWith(io, cfg, subject, changeMap, collected, inUseImages) {
    const a = await analyse(io, cfg, subject, changeMap, collected);
    const { score, weightedScore, counts, annotations, gate, diff } = a;
    const { sets } = collected;
    const native = sets.map((s) => s.nativeScore).filter((n) => n !== undefined);
    const summaryFor = (delivery, limit) => buildSummary({
        title: `ami-bakery scan: ${a.label}`,
        profile: a.merged.profile,
        target: a.merged.target,
        score,
        weightedScore,
        counts,
        gate: { verdict: gate.verdict, reasons: gate.verdict === 'failed' ? gate.reasons : gate.checked },
        annotations,
        diff,
        delivery,
        extra: [
            ...native.map((n) => `${n.name}: **${n.value}** (the engine's own score, next to ours).`),
            ...sets.flatMap((s) => s.notes ?? []).map((n) => `${n} (not counted).`),
        ],
    }, limit);
    const delivery = await io.group(`Annotations (${annotations.length})`, () => deliverAnnotations(io, checkTargetFromEnv(io.env, cfg.githubToken, cfg.checkName), annotations, {
        title: `${a.label} ${score}% — ${counts.failed} failed of ${counts.passed + counts.failed} scored`,
        summary: summaryFor(undefined, CHECK_SUMMARY_LIMIT),
        conclusion: gate.verdict === 'failed'
            ? 'failure'
            : gate.verdict === 'passed' && !counts.failed
                ? 'success'
                : 'neutral',
    }, () => changedLinesFromGit(io.env, cfg.root)));
    await writeReports(io, cfg, a);
    await io.appendSummary(summaryFor(deliveryNote(delivery, annotations.length, cfg.checkName)));
    await tagScanned(io, subject, a);
    if (inUseImages && subject.amiId)
        await reportInUse(io, subject.amiId, inUseImages, a);
    io.info(`Score ${score}% (weighted ${weightedScore}%): ${counts.passed} passed, ${counts.failed} failed, ${counts.total} in profile`);
    for (const n of native)
        io.info(`${n.name}: ${n.value}`);
    if (diff)
        io.info(`Baseline ${diff.baselineScore}%: ${diff.newFailures.length} new failure(s), ${diff.fixed.length} newly fixed`);
    io.setOutput('score', score);
    io.setOutput('weighted-score', weightedScore);
    io.setOutput('passed', counts.passed);
    io.setOutput('failed', counts.failed);
    io.setOutput('total', counts.total);
    io.setOutput('new-failures', diff ? diff.newFailures.length : 0);
    io.setOutput('fixed', diff ? diff.fixed.length : 0);
    io.setOutput('gate', gate.verdict);
    io.setOutput('report-file', cfg.reportFile);
    io.setOutput('sarif-file', cfg.sarifFile);
    io.setOutput('results-file', collected.kept.join('\n'));
    io.setOutput('annotations', annotations.length);
    io.setOutput('annotations-delivered', delivery.shown);
    const gatePassed = gate.verdict !== 'failed';
    if (!gatePassed)
        throw new errors/* GateError */.ue(`Scan gate failed: ${gate.reasons.join('; ')}`);
    return {
        score,
        weightedScore,
        failed: counts.failed,
        passed: counts.passed,
        total: counts.total,
        gatePassed,
        gate,
        delivery,
        diff,
    };
}
/** The SARIF file and the JSON report (and the baseline cache from it). */
async function writeReports(io, cfg, a) {
    if (cfg.sarifFile) {
        const sarif = buildSarif(a.annotations, { toolVersion: VERSION, category: a.profileKey });
        external_node_fs_.mkdirSync(external_node_path_.dirname(external_node_path_.resolve(cfg.sarifFile)), { recursive: true });
        external_node_fs_.writeFileSync(cfg.sarifFile, JSON.stringify(sarif, null, 2));
    }
    if (cfg.reportFile) {
        external_node_fs_.mkdirSync(external_node_path_.dirname(external_node_path_.resolve(cfg.reportFile)), { recursive: true });
        external_node_fs_.writeFileSync(cfg.reportFile, JSON.stringify(a.report, null, 2));
        if (cfg.baseline === 'cache')
            await saveBaselineCache(io, cfg.reportFile, a.profileKey);
    }
}
/** The scanned AMI carries its score, profile and verdict (promote's gate reads them). */
async function tagScanned(io, subject, a) {
    const { amiId, region } = subject;
    if (!amiId || !region)
        return;
    const tags = {
        [aws_tags/* TAG */.Dk.cisScore]: String(a.score),
        [aws_tags/* TAG */.Dk.cisProfile]: a.profileKey,
        [aws_tags/* TAG */.Dk.scan]: a.gate.verdict,
    };
    await io.group(`Tagging ${amiId} in ${region}`, async () => {
        const { ec2Client, tagImages } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
        await tagImages(ec2Client(region), [amiId], tags, { mustExist: 'ami-id' });
        io.info(Object.entries(tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '));
    });
}
/** in-use: a failed re-scan tags the vulnerable images in use; the table shows them all. */
async function reportInUse(io, scanned, images, a) {
    const vulnerable = a.gate.verdict === 'failed' ? await tagVulnerable(io, scanned, images, a.score, a.gate.reasons) : [];
    io.setOutput('vulnerable', JSON.stringify(vulnerable.map((v) => ({ region: v.region, imageId: v.imageId }))));
    await io.appendSummary([
        '### Images in use',
        '',
        inUseTable(images, scanned, new Set(vulnerable.map((v) => v.imageId))),
        '',
    ].join('\n'));
}
/** What the summary says of the annotations: exactly what reached the reader. */
function deliveryNote(d, total, checkName) {
    if (d.method === 'checks') {
        if (d.shown === total)
            return `All ${total} annotation(s) were published on the check run "${checkName}".`;
        return `${d.shown} of ${total} annotation(s) were published on the check run "${checkName}"; ${d.notShown} were not (${d.reason ?? 'no file to place them on'}). All are in the table below and the SARIF file.`;
    }
    return `Annotations: ${d.shown} of ${total} shown as workflow annotations, ${d.notShown} not shown (${d.reason}); all are in the table below and the SARIF file.`;
}


/***/ }),

/***/ 87594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ hostKeyMatches),
/* harmony export */   P: () => (/* binding */ loadPrivateKey)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(33904);
/** SSH key handling that does not need ssh2 loaded (input validation at start-up). */



function loadPrivateKey(value) {
    if (!value)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('ssh-key', 'is required for an ssh:// target.', 'pass the private key (e.g. from a secret) or its path.');
    if (value.includes('PRIVATE KEY-----'))
        return checkPrivateKey(value.endsWith('\n') ? value : `${value}\n`);
    let text;
    try {
        text = node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(value, 'utf8');
    }
    catch {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('ssh-key', 'is neither a private key nor a readable key file.', 'pass the PEM/OpenSSH private key text or a path to it.');
    }
    return checkPrivateKey(text);
}
/** A private key ssh can use: PEM or OpenSSH, not a public key or other text. Checked before any side effect. */
function checkPrivateKey(key) {
    const pem = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+-----END \1-----/.exec(key);
    if (!pem)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('ssh-key', 'is not a private key (no "-----BEGIN ... PRIVATE KEY-----" block).', 'pass the private key text (e.g. from a secret) or the path of the private key file, not the .pub file.');
    return key;
}
/** Host key check: OpenSSH SHA256 fingerprints, taken from `SHA256:...` entries or known_hosts key blobs. */
function hostKeyMatches(knownHosts, key) {
    const fp = `SHA256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
    for (const line of knownHosts.split(/\r?\n/)) {
        const t = line.trim();
        if (!t || t.startsWith('#'))
            continue;
        if (t.startsWith('SHA256:') && t === fp)
            return true;
        const parts = t.split(/\s+/);
        const blob = parts.find((p) => /^AAAA[0-9A-Za-z+/=]+$/.test(p));
        if (blob && Buffer.from(blob, 'base64').equals(key))
            return true;
    }
    return false;
}


/***/ })

};
