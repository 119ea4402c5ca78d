export const id = 849;
export const ids = [849];
export const modules = {

/***/ 46849:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PACKER_INTERRUPTED_KEY: () => (/* binding */ PACKER_INTERRUPTED_KEY),
  PACKER_LOG_KEY: () => (/* binding */ PACKER_LOG_KEY),
  PACKER_PGID_KEY: () => (/* binding */ PACKER_PGID_KEY),
  buildNames: () => (/* binding */ buildNames),
  checkWritableFile: () => (/* binding */ checkWritableFile),
  manifestOutput: () => (/* binding */ manifestOutput),
  provenanceTags: () => (/* binding */ provenanceTags),
  readConfig: () => (/* binding */ readConfig),
  runBake: () => (/* binding */ runBake),
  runBakePost: () => (/* binding */ runBakePost),
  tagAmis: () => (/* binding */ tagAmis),
  writeCisManifest: () => (/* binding */ writeCisManifest)
});

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./shared/src/aws/tags.ts
var tags = __webpack_require__(29072);
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
// EXTERNAL MODULE: ./shared/src/vars.ts
var vars = __webpack_require__(33329);
// EXTERNAL MODULE: ./shared/src/workspace.ts
var workspace = __webpack_require__(42558);
;// CONCATENATED MODULE: ./action-bake/src/machine-readable.ts
/**
 * Packer's `-machine-readable` output: `timestamp,target,type,data...` per line. Commas inside data
 * are escaped as `%!(PACKER_COMMA)`, newlines as a literal `\n`. Pure: no I/O.
 */

function unescapeData(s) {
    return s
        .replace(/%!\(PACKER_COMMA\)/g, ',')
        .replace(/\\n/g, '\n')
        .replace(/\\r/g, '\r');
}
function parseMachineLine(line) {
    const m = /^(\d+),([^,]*),([^,]+),?(.*)$/.exec(line);
    if (!m)
        return undefined;
    return {
        timestamp: Number(m[1]),
        target: m[2],
        type: m[3],
        data: m[4] === '' ? [] : m[4].split(',').map(unescapeData),
    };
}
/** Collects `artifact,N,<key>,<value>` lines into artifacts (per build target). */
class ArtifactCollector {
    byKey = new Map();
    add(l) {
        if (l.type !== 'artifact' || l.data.length < 2)
            return;
        const index = Number(l.data[0]);
        const key = `${l.target}#${index}`;
        let a = this.byKey.get(key);
        if (!a) {
            a = { build: l.target, index, files: [] };
            this.byKey.set(key, a);
        }
        const [, field, ...rest] = l.data;
        const value = rest.join(',');
        if (field === 'builder-id')
            a.builderId = value;
        else if (field === 'id')
            a.id = value;
        else if (field === 'string')
            a.string = value;
        else if (field === 'file')
            a.files.push(rest.slice(1).join(','));
    }
    /**
     * One entry per artifact: a post-processor that passes the builder's artifact through (manifest)
     * makes Packer report the same artifact again under the next index.
     */
    get artifacts() {
        const seen = new Set();
        return [...this.byKey.values()]
            .sort((a, b) => (a.build < b.build ? -1 : a.build > b.build ? 1 : a.index - b.index))
            .filter((a) => {
            const key = `${a.build}\0${a.builderId ?? ''}\0${a.id ?? ''}`;
            if (seen.has(key))
                return false;
            seen.add(key);
            return true;
        });
    }
}
const AMI_PAIR = new RegExp(`^(${validate/* REGION_FORM */.iu}):(ami-[0-9a-f]{8,17})$`);
/** amazon-ebs (and -chroot, -ebssurrogate, ...) artifact ids: `region:ami-...` pairs joined by commas. */
function amisFromArtifactId(id) {
    const out = {};
    for (const part of (id ?? '').split(',')) {
        const m = AMI_PAIR.exec(part.trim());
        if (m)
            out[m[1]] = m[2];
    }
    return out;
}
/** Where the log says the source AMI was found (amazon-ebs: "Found Image ID: ami-..."). */
function sourceAmiFromUi(text) {
    return /Found Image ID: (ami-[0-9a-f]{8,17})/.exec(text)?.[1];
}
/** The script a provisioner step runs, from its "say" line, e.g. "==> b: Provisioning with shell script: x.sh". */
function stepOf(text) {
    const m = /^==> ([^:]+): (.*)$/.exec(text.trim());
    if (!m)
        return undefined;
    const [, build, rest] = m;
    const script = /^(?:Provisioning with shell script|Running local shell script|Provisioning with Powershell|Uploading) ?:?\s*(\S+)/.exec(rest)?.[1] ?? /^Provisioning with Ansible/.exec(rest)?.[0];
    if (/^(Provisioning with|Running local shell script|Running post-processor|Launching a source|Creating AMI|Waiting for AMI|Copying\/Encrypting AMI|Stopping the source|Terminating the source|Deleting temporary)/.test(rest)) {
        return { build, step: rest, script };
    }
    return undefined;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./shared/src/hashicorp.ts
var hashicorp = __webpack_require__(49648);
;// CONCATENATED MODULE: ./action-bake/src/packer.ts
/**
 * The Packer binary (shared/src/hashicorp.ts: PATH, or an exact version from HashiCorp releases). Plugin install (`packer init`, Packer ≥ 1.7)
 * with the plugin directory cached by the Actions cache, keyed by the template's required_plugins.
 */







function resolvePacker(io, want) {
    return (0,hashicorp/* resolveHashicorpTool */.io)(io, 'packer', want, 'packer-version');
}
/** The text of every `required_plugins { ... }` block in the HCL2 template files. */
function requiredPlugins(templateFiles) {
    const blocks = [];
    for (const f of templateFiles) {
        const text = external_node_fs_.readFileSync(f, 'utf8');
        const re = /required_plugins\s*\{/g;
        let m = re.exec(text);
        while (m) {
            let depth = 1;
            let i = m.index + m[0].length;
            while (i < text.length && depth > 0) {
                if (text[i] === '{')
                    depth++;
                else if (text[i] === '}')
                    depth--;
                i++;
            }
            blocks.push(text.slice(m.index, i));
            m = re.exec(text);
        }
    }
    return blocks.join('\n');
}
/** `packer init` for HCL2 templates that declare plugins, with the plugin directory in the Actions cache. */
async function initPlugins(io, packer, template, templateFiles, cwd, env) {
    const plugins = requiredPlugins(templateFiles);
    if (!plugins)
        return;
    if (!(0,hashicorp/* versionSatisfies */.Kw)(packer.version, '>=1.7.0')) {
        io.warning(`The template declares required_plugins, but packer ${packer.version} has no "packer init" (Packer ≥ 1.7): skipping plugin installation.`);
        return;
    }
    const pluginDir = env.PACKER_PLUGIN_PATH || external_node_path_.join(external_node_os_.homedir(), '.config', 'packer', 'plugins');
    env.PACKER_PLUGIN_PATH = pluginDir;
    const key = `ami-bakery-packer-plugins-${process.platform}-${process.arch}-${(0,external_node_crypto_.createHash)('sha256').update(plugins).digest('hex').slice(0, 16)}`;
    const cache = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 61691));
    const cacheOn = cache.isFeatureAvailable();
    let hit = false;
    if (cacheOn) {
        try {
            hit = Boolean(await cache.restoreCache([pluginDir], key));
        }
        catch (e) {
            io.warning(`plugin cache restore failed: ${(0,errors/* messageOf */.bD)(e)}`);
        }
    }
    await io.group(`packer init${hit ? ' (plugins restored from cache)' : ''}`, async () => {
        const r = await (0,exec.exec)(packer.path, ['init', template], {
            cwd,
            env,
            onStdoutLine: (l) => io.info(l),
            onStderrLine: (l) => io.info(l),
            timeoutMs: 10 * 60_000,
        });
        if (r.code !== 0)
            throw new Error(`packer init failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
    });
    if (cacheOn && !hit) {
        try {
            await cache.saveCache([pluginDir], key);
        }
        catch (e) {
            io.warning(`plugin cache save failed: ${(0,errors/* messageOf */.bD)(e)}`);
        }
    }
}

;// CONCATENATED MODULE: ./action-bake/src/packer-failure.ts
/** The change in `file` nearest above `line`. */
function nearestChangeAbove(map, file, line) {
    return map.changes.filter((c) => c.file === file && c.line <= line).sort((a, b) => b.line - a.line)[0];
}
const STEP = /==> [^:]+: (?:Provisioning with shell script|Running local shell script|Provisioning with Powershell script): (\S+)/;
const FAILED = /Provisioning step had errors|errored after|Script exited with non-zero exit status|Erroneous exit code/;
const SHELL_ERROR = /((?:\/|\.{0,2}\/?)[\w./-]+\.(?:sh|bash|ps1|py)): (?:line )?(\d+): /;
function analyseFailure(uiLines, map, toRepoPath) {
    const cutoff = uiLines.findIndex((l) => FAILED.test(l.text));
    const upTo = cutoff >= 0 ? cutoff : uiLines.length;
    let stepScript;
    let stepIndex = 0;
    for (let i = 0; i < upTo; i++) {
        const m = STEP.exec(uiLines[i].text);
        if (m) {
            stepScript = m[1];
            stepIndex = i;
        }
    }
    const stepLines = uiLines.slice(stepIndex, upTo + 1);
    let script = stepScript ? toRepoPath(stepScript) : undefined;
    let line;
    for (const l of stepLines) {
        const m = SHELL_ERROR.exec(l.text);
        if (!m)
            continue;
        const named = toRepoPath(m[1]);
        const sameBase = stepScript && m[1].split('/').pop() === stepScript.split('/').pop();
        if (named || sameBase) {
            script = named ?? script;
            line = Number(m[2]);
        }
    }
    const clean = (t) => t
        .replace(/^\s*==> [^:]+: /, '')
        .replace(/^\s*--> [^:]+: /, '')
        .trim();
    const stepErrors = stepLines.filter((l) => l.kind === 'error').map((l) => clean(l.text));
    const summary = cutoff >= 0 ? [clean(uiLines[cutoff].text)] : [];
    const lastErrors = [...new Set([...stepErrors, ...summary])].filter(Boolean).slice(-10);
    return {
        script: script ?? stepScript,
        line,
        cis: script && line ? nearestChangeAbove(map, script, line) : undefined,
        lastErrors,
    };
}

;// CONCATENATED MODULE: ./action-bake/src/bake.ts
/**
 * action-bake: run Packer on a template that hardens a source image, stream its log readably,
 * output the AMI id per region, record which CIS changes the image carries (cis-manifest.json),
 * tag the AMIs with their provenance, and make sure a cancelled or timed-out build cleans up.
 */















const PACKER_PGID_KEY = 'packer-pgid';
const PACKER_LOG_KEY = 'packer-log';
const PACKER_INTERRUPTED_KEY = 'packer-interrupted';
/**
 * The post step (post-if: always()): when the main step was killed outright while Packer ran,
 * Packer is still running in its own process group (it writes to a log file, so it survived):
 * interrupt it so that it cancels the build and deletes what it created, and wait for that.
 */
async function runBakePost(io, waitMs = 10 * 60_000) {
    const pgid = Number(io.getState(PACKER_PGID_KEY));
    if (!(pgid > 1) || !(0,exec.groupAlive)(pgid)) {
        io.info('Packer is not running: nothing to clean up.');
        return;
    }
    const log = io.getState(PACKER_LOG_KEY);
    if (io.getState(PACKER_INTERRUPTED_KEY) === 'true') {
        io.warning(`The main step ended while Packer (process group ${pgid}) was still cleaning up after the cancel: waiting for it to finish.`);
    }
    else {
        io.warning(`The main step ended while Packer (process group ${pgid}) was still building: interrupting it so it cancels the build and cleans up (instance, key pair, security group).`);
        try {
            process.kill(pgid, 'SIGINT');
        }
        catch {
            // gone meanwhile
        }
    }
    const deadline = Date.now() + waitMs;
    while ((0,exec.groupAlive)(pgid) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
    const tail = log && external_node_fs_.existsSync(log) ? external_node_fs_.readFileSync(log, 'utf8').split('\n').slice(-40) : [];
    const ui = tail
        .map((l) => parseMachineLine(l))
        .filter((l) => l?.type === 'ui')
        .map((l) => l.data[1] ?? '');
    for (const line of ui.slice(-15))
        io.info(line);
    if ((0,exec.groupAlive)(pgid)) {
        await (0,exec.reapGroup)(pgid, 10_000);
        throw new Error(`Packer did not finish its cleanup within ${Math.round(waitMs / 60_000)} min and was killed: check for a leftover instance tagged by this build.`);
    }
    io.info(`Packer stopped${ui.some((l) => /Cleanly cancelled|cancelled/i.test(l)) ? ' and cancelled the build cleanly' : ''}.`);
}
/** Build names as -only/-except see them: HCL `type.name` of each source, JSON builder names. */
function buildNames(kind, files) {
    const names = [];
    for (const f of files) {
        const text = external_node_fs_.readFileSync(f, 'utf8');
        if (kind === 'json') {
            for (const b of (JSON.parse(text).builders ?? []))
                if (b.name ?? b.type)
                    names.push((b.name ?? b.type));
        }
        else
            for (const m of text.matchAll(/^\s*source\s+"([\w-]+)"\s+"([\w-]+)"/gm))
                names.push(`${m[1]}.${m[2]}`);
    }
    return names;
}
/** A file this step will write: not a directory, and in a directory it may write to (checked before building). */
function checkWritableFile(input, file) {
    const abs = external_node_path_.resolve(file);
    if (external_node_fs_.existsSync(abs) && external_node_fs_.statSync(abs).isDirectory())
        throw new errors/* InputError */.dz(input, `"${file}" is a directory.`, 'give a file path, e.g. cis-manifest.json.');
    let dir = external_node_path_.dirname(abs);
    while (!external_node_fs_.existsSync(dir))
        dir = external_node_path_.dirname(dir);
    try {
        external_node_fs_.accessSync(external_node_fs_.existsSync(abs) ? abs : dir, external_node_fs_.constants.W_OK);
        if (!external_node_fs_.statSync(dir).isDirectory())
            throw new Error('not a directory');
    }
    catch {
        throw new errors/* InputError */.dz(input, `"${file}" cannot be written (${dir} is not writable).`, 'choose a path in a writable directory.');
    }
}
function jsonError(file, text, e) {
    const pos = Number(/position (\d+)/.exec(e.message)?.[1]);
    let where = '';
    if (Number.isFinite(pos)) {
        const before = text.slice(0, pos).split('\n');
        where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
    }
    return new errors/* InputError */.dz('template', `${file} is not valid JSON${where}: ${e.message}.`, 'fix the template syntax (packer validate shows the same).');
}
function readConfig(io) {
    const inp = new inputs/* Inputs */.G0(io);
    const workingDirectory = inp.existingPath('working-directory', 'directory') ?? '.';
    const templateRaw = inp.required('template', 'packer/ubuntu.pkr.hcl');
    const template = external_node_path_.resolve(workingDirectory, templateRaw);
    if (!external_node_fs_.existsSync(template)) {
        throw new errors/* InputError */.dz('template', `"${templateRaw}" does not exist (looked in ${external_node_path_.resolve(workingDirectory)}).`, 'give the .pkr.hcl/.json file or the directory of .pkr.hcl files, relative to working-directory.');
    }
    let templateFiles;
    let kind;
    if (external_node_fs_.statSync(template).isDirectory()) {
        templateFiles = external_node_fs_.readdirSync(template)
            .filter((f) => f.endsWith('.pkr.hcl'))
            .map((f) => external_node_path_.join(template, f));
        if (!templateFiles.length)
            throw new errors/* InputError */.dz('template', `directory "${templateRaw}" has no *.pkr.hcl files.`, 'point it at an HCL2 template directory or file.');
        kind = 'hcl';
    }
    else {
        templateFiles = [template];
        kind = template.endsWith('.json') ? 'json' : 'hcl';
    }
    if (kind === 'json') {
        const text = external_node_fs_.readFileSync(template, 'utf8');
        try {
            JSON.parse(text);
        }
        catch (e) {
            throw jsonError(templateRaw, text, e);
        }
    }
    const varFiles = inp
        .list('var-files')
        .map((f) => (0,inputs/* checkPath */.Cg)('var-files', external_node_path_.resolve(workingDirectory, f), 'file'));
    const timeoutMin = inp.number('timeout', 0.05, 24 * 60) ?? 120;
    const cisManifestFile = inp.string('cis-manifest-file') || 'cis-manifest.json';
    checkWritableFile('cis-manifest-file', cisManifestFile);
    const only = inp.list('only');
    const except = inp.list('except');
    const names = buildNames(kind, templateFiles);
    for (const [input, list] of [
        ['only', only],
        ['except', except],
    ]) {
        for (const pattern of list) {
            const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
            if (names.length && !names.some((n) => re.test(n)))
                throw new errors/* InputError */.dz(input, `"${pattern}" matches no build of the template (it has ${names.join(', ')}).`, 'use a build name from the template, e.g. amazon-ebs.ubuntu (wildcards: *).');
        }
    }
    const awsRegion = inp.string('aws-region')
        ? (0,validate/* validateRegion */.jq)('aws-region', inp.string('aws-region'))
        : undefined;
    return {
        workingDirectory,
        template,
        templateFiles,
        kind,
        varFiles,
        vars: (0,vars/* parseVars */.u)(inp.string('vars')),
        only,
        except,
        packerVersion: inp.string('packer-version'),
        hardeningScripts: inp.list('hardening-scripts'),
        timeoutMs: timeoutMin * 60_000,
        cisManifestFile,
        awsRegion,
        expectsAmi: names.some((n) => /^amazon-(ebs|chroot|ebssurrogate|ebsvolume|instance)\b/.test(n)),
    };
}
function commonArgs(cfg) {
    const args = [];
    for (const f of cfg.varFiles)
        args.push(`-var-file=${f}`);
    for (const v of cfg.vars)
        args.push('-var', `${v.key}=${v.value}`);
    if (cfg.only.length)
        args.push(`-only=${cfg.only.join(',')}`);
    if (cfg.except.length)
        args.push(`-except=${cfg.except.join(',')}`);
    return args;
}
/** A path as the reviewer sees it: relative to the repository root (absolute when outside it). */
const rel = (p) => (0,workspace/* insideRoot */.p0)((0,workspace/* repoRoot */.jv)(), external_node_path_.resolve(p)) ?? external_node_path_.resolve(p);
/** `packer validate`: a template Packer rejects is bad input (exit 2), annotated where Packer says. */
async function bake_validate(io, packer, cfg) {
    const r = await (0,exec.exec)(packer.path, ['validate', ...commonArgs(cfg), cfg.template], {
        cwd: cfg.workingDirectory,
        timeoutMs: 120_000,
    });
    if (r.code === 0) {
        io.info(`packer validate: ${rel(cfg.template)} is valid`);
        return;
    }
    const text = `${r.stdout}\n${r.stderr}`.trim();
    const at = /on (\S+\.pkr\.hcl) line (\d+)/.exec(text) ?? /At line (\d+), column/.exec(text);
    if (at) {
        const file = at.length === 3 ? external_node_path_.resolve(cfg.workingDirectory, at[1]) : cfg.template;
        const line = Number(at.length === 3 ? at[2] : at[1]);
        io.annotate({
            level: 'error',
            file: rel(file),
            line,
            title: 'Packer template is invalid',
            message: text.slice(0, 4000),
        });
    }
    throw new errors/* InputError */.dz('template', `packer validate rejected ${rel(cfg.template)}:\n${text.split('\n').slice(0, 20).join('\n')}\n`, 'fix the template, variables or var-files as Packer says.');
}
/** Variable values for simple interpolation: template defaults, overridden by the vars input. */
function variableValues(cfg) {
    const values = new Map();
    if (cfg.kind === 'json') {
        const doc = JSON.parse(external_node_fs_.readFileSync(cfg.templateFiles[0], 'utf8'));
        for (const [k, v] of Object.entries(doc.variables ?? {}))
            if (typeof v === 'string')
                values.set(k, v);
    }
    else {
        for (const f of cfg.templateFiles) {
            const text = external_node_fs_.readFileSync(f, 'utf8');
            for (const m of text.matchAll(/variable\s+"([\w-]+)"\s*\{([^}]*)\}/g)) {
                const d = /^\s*default\s*=\s*"([^"]*)"/m.exec(m[2]);
                if (d)
                    values.set(m[1], d[1]);
            }
        }
    }
    for (const v of cfg.vars)
        values.set(v.key, v.value);
    return values;
}
/** Where the manifest post-processor writes, if the template has one (`${var.x}` / {{user `x`}} resolved). */
function manifestOutput(cfg) {
    const values = variableValues(cfg);
    const resolve = (p) => p
        .replace(/\$\{var\.([\w-]+)\}/g, (_, n) => values.get(n) ?? '')
        .replace(/\{\{\s*user\s+`([\w-]+)`\s*\}\}/g, (_, n) => values.get(n) ?? '');
    if (cfg.kind === 'json') {
        const doc = JSON.parse(external_node_fs_.readFileSync(cfg.templateFiles[0], 'utf8'));
        const pps = (doc['post-processors'] ?? []).flat(2);
        const m = pps.find((p) => p && typeof p === 'object' && p.type === 'manifest');
        return m ? external_node_path_.resolve(cfg.workingDirectory, resolve(m.output ?? 'packer-manifest.json')) : undefined;
    }
    for (const f of cfg.templateFiles) {
        const text = external_node_fs_.readFileSync(f, 'utf8');
        const block = /post-processor\s+"manifest"\s*\{([\s\S]*?)\n\s*\}/.exec(text);
        if (block) {
            // output = "path/${var.x}" or a bare output = var.x
            const out = /^\s*output\s*=\s*"([^"]+)"/m.exec(block[1])?.[1] ??
                /^\s*output\s*=\s*var\.([\w-]+)\s*$/m.exec(block[1])?.[1]?.replace(/^.*$/, (n) => `\${var.${n}}`);
            return external_node_path_.resolve(cfg.workingDirectory, resolve(out ?? 'packer-manifest.json'));
        }
    }
    return undefined;
}
async function build(io, packer, cfg, signal) {
    const args = [
        'build',
        '-machine-readable',
        '-color=false',
        '-on-error=cleanup',
        ...commonArgs(cfg),
        cfg.template,
    ];
    io.info(`$ ${packer.path} ${args.join(' ')}`);
    const collector = new ArtifactCollector();
    const ui = [];
    let sourceAmi;
    let inGroup = false;
    const group = (name) => {
        if (inGroup)
            io.endGroup();
        io.startGroup(name);
        inGroup = true;
    };
    group('packer build');
    const t0 = Date.now();
    const onLine = (raw) => {
        const l = parseMachineLine(raw);
        if (!l) {
            if (raw.trim())
                io.info(raw);
            return;
        }
        if (l.type === 'artifact')
            collector.add(l);
        if (l.type !== 'ui')
            return;
        const [kind, text = ''] = l.data;
        ui.push({ kind, text });
        if (ui.length > 5000)
            ui.splice(0, ui.length - 5000);
        sourceAmi ??= sourceAmiFromUi(text);
        const step = kind === 'say' ? stepOf(text) : undefined;
        // A step's first line is its group's title: it is not printed again inside the group.
        if (step)
            group(`${step.build}: ${step.step}`);
        const lines = text.replace(/^\n+/, '').split('\n');
        for (const line of step ? lines.slice(1) : lines)
            io.info(line);
    };
    // Packer writes to a log file, not a pipe: if this step is killed outright, Packer is not killed
    // with it (by a broken pipe) halfway through; the post step lets it finish its cleanup.
    const logFile = external_node_path_.join(io.env.RUNNER_TEMP || external_node_os_.tmpdir(), `ami-bakery-packer-${process.pid}-${Date.now()}.log`);
    io.saveState(PACKER_LOG_KEY, logFile);
    // Packer is interrupted once (a second interrupt can make it quit without cleaning up).
    signal?.addEventListener('abort', () => io.saveState(PACKER_INTERRUPTED_KEY, 'true'), { once: true });
    const r = await (0,exec.exec)(packer.path, args, {
        cwd: cfg.workingDirectory,
        logFile,
        onSpawn: (pid) => io.saveState(PACKER_PGID_KEY, String(pid)),
        env: { ...process.env, PACKER_NO_COLOR: '1', CHECKPOINT_DISABLE: '1' },
        onStdoutLine: onLine,
        onStderrLine: onLine,
        timeoutMs: cfg.timeoutMs,
        signal,
        processGroup: true,
        killGraceMs: 5 * 60_000,
        maxBuffer: 256 * 1024,
    });
    if (inGroup)
        io.endGroup();
    io.saveState(PACKER_PGID_KEY, '');
    external_node_fs_.rmSync(logFile, { force: true });
    return {
        code: r.code,
        aborted: r.aborted,
        timedOut: r.timedOut,
        reaped: r.reaped,
        artifacts: collector.artifacts,
        ui,
        sourceAmi,
        seconds: Math.round((Date.now() - t0) / 1000),
    };
}
function gitCommit(env) {
    if (env.GITHUB_SHA)
        return env.GITHUB_SHA;
    try {
        return (0,external_node_child_process_.execFileSync)('git', ['rev-parse', 'HEAD'], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
    }
    catch {
        return 'unknown';
    }
}
function runUrl(env) {
    return env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : 'local';
}
function provenanceTags(env, template, map, sourceAmi) {
    return {
        [tags/* TAG */.Dk.commit]: gitCommit(env),
        [tags/* TAG */.Dk.runUrl]: runUrl(env).slice(0, 256),
        [tags/* TAG */.Dk.template]: template.slice(0, 256),
        [tags/* TAG */.Dk.cisChanges]: String(map.changes.length),
        [tags/* TAG */.Dk.hardeningSha]: map.sha256,
        ...(sourceAmi ? { [tags/* TAG */.Dk.sourceAmi]: sourceAmi } : {}),
    };
}
function hasAwsCredentials(env) {
    return Boolean(env.AWS_ACCESS_KEY_ID ||
        env.AWS_WEB_IDENTITY_TOKEN_FILE ||
        env.AWS_PROFILE ||
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
        env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
}
/** Tag each baked AMI in its own region. */
async function tagAmis(io, amis, tags) {
    const { ec2Client, tagImages } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
    for (const [region, ami] of Object.entries(amis)) {
        const client = ec2Client(region);
        try {
            await tagImages(client, [ami], tags);
            io.info(`tagged ${ami} in ${region}`);
        }
        finally {
            client.destroy();
        }
    }
}
function writeCisManifest(file, template, map) {
    const controls = [...new Set(map.changes.filter((c) => !c.scheme).map((c) => c.cisId))].sort(cis_map/* compareCisIds */.LX);
    const otherControls = [...map.byId.keys()].filter((k) => k.includes(':')).sort();
    const doc = {
        schema: 'ami-bakery/cis-manifest@1',
        generatedAt: new Date().toISOString(),
        template,
        hardeningSha256: map.sha256,
        files: map.files,
        controls,
        ...(otherControls.length ? { otherControls } : {}),
        changes: map.changes,
    };
    external_node_fs_.mkdirSync(external_node_path_.dirname(external_node_path_.resolve(file)), { recursive: true });
    external_node_fs_.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
async function runBake(io, signal) {
    const cfg = readConfig(io);
    const map = await (0,cis_map/* loadChangeMap */.NS)(cfg.hardeningScripts, { root: (0,workspace/* repoRoot */.jv)(io.env), cwd: process.cwd() });
    io.info(`CIS change map: ${map.changes.length} change(s) for ${map.byId.size} control(s) in ${map.files.length} file(s)`);
    const packer = await resolvePacker(io, cfg.packerVersion);
    const env = { ...process.env };
    if (cfg.kind === 'hcl')
        await initPlugins(io, packer, cfg.template, cfg.templateFiles, cfg.workingDirectory, env);
    await bake_validate(io, packer, cfg);
    const manifest = manifestOutput(cfg);
    if (manifest)
        checkWritableFile('template', manifest);
    const started = Date.now();
    const run = await build(io, packer, cfg, signal);
    if (run.reaped)
        io.warning('Packer left processes running in its process group; they were terminated.');
    if (run.aborted || run.timedOut) {
        const why = run.timedOut
            ? `did not finish within timeout (${cfg.timeoutMs / 60_000} min)`
            : 'was cancelled';
        const cleaned = run.ui.some((l) => /Cleanly cancelled builds|Cancelling build/.test(l.text));
        throw new Error(`packer build ${why}; Packer ${cleaned ? 'cancelled the build and ran its cleanup' : `exited with ${run.code}`} before this step exited.`);
    }
    if (run.code !== 0) {
        const f = analyseFailure(run.ui, map, (script) => {
            const abs = external_node_path_.resolve(cfg.workingDirectory, script);
            return external_node_fs_.existsSync(abs) && !abs.startsWith('/tmp/packer-') ? rel(abs) : undefined;
        });
        const where = f.script ? `${f.script}${f.line ? `:${f.line}` : ''}` : rel(cfg.template);
        const cis = f.cis ? ` (CIS ${f.cis.cisId}, the change at line ${f.cis.line})` : '';
        io.annotate({
            level: 'error',
            file: f.script && !f.script.startsWith('/') ? f.script : rel(cfg.template),
            line: f.line ?? 1,
            title: `Packer build failed in ${where}${cis}`,
            message: f.lastErrors.length ? f.lastErrors.join('\n') : `packer build exited with ${run.code}`,
        });
        throw new Error(`packer build failed (exit ${run.code}) in ${where}${cis}: ${f.lastErrors.slice(-1)[0] ?? ''}`);
    }
    const amis = {};
    for (const a of run.artifacts)
        Object.assign(amis, amisFromArtifactId(a.id));
    const regions = Object.keys(amis);
    if (!run.artifacts.length)
        throw new Error(`packer build finished but built nothing (no artifact)${cfg.only.length ? ` with only: ${cfg.only.join(', ')}` : ''}: check the build filters and the template.`);
    if (cfg.expectsAmi && !regions.length)
        throw new Error(`packer build finished with no AMI, though the template has an amazon builder (artifacts: ${run.artifacts.map((a) => a.id ?? '?').join(', ')}).`);
    const buildRegion = (0,validate/* regionFromEnv */.Yl)(cfg.awsRegion, io.env);
    const amiId = (buildRegion && amis[buildRegion]) || (regions.length ? amis[regions[0]] : '');
    const manifestFile = manifest && external_node_fs_.existsSync(manifest) && external_node_fs_.statSync(manifest).mtimeMs >= started - 1000
        ? rel(manifest)
        : '';
    writeCisManifest(cfg.cisManifestFile, rel(cfg.template), map);
    if (regions.length) {
        if (hasAwsCredentials(io.env)) {
            await io.group(`Tagging ${regions.length} AMI(s)`, () => tagAmis(io, amis, provenanceTags(io.env, rel(cfg.template), map, run.sourceAmi)));
        }
        else
            io.info('No AWS credentials in the environment: AMIs were not tagged with their provenance.');
    }
    io.setOutput('ami-id', amiId);
    io.setOutput('amis', JSON.stringify(amis));
    io.setOutput('artifact-ids', JSON.stringify(run.artifacts.map((a) => a.id ?? '')));
    io.setOutput('manifest-file', manifestFile);
    io.setOutput('build-time', run.seconds);
    io.setOutput('cis-manifest', cfg.cisManifestFile);
    io.setOutput('cis-changes', map.changes.length);
    io.setOutput('packer-version', packer.version);
    await io.appendSummary([
        '## ami-bakery bake',
        '',
        `Template \`${rel(cfg.template)}\` built in ${run.seconds} s with packer ${packer.version}.`,
        '',
        regions.length
            ? ['| region | AMI |', '|---|---|', ...regions.map((r) => `| ${r} | \`${amis[r]}\` |`)].join('\n')
            : `Artifacts: ${run.artifacts.map((a) => `\`${a.id}\``).join(', ') || 'none'}`,
        '',
        `CIS changes carried: ${map.changes.length} for ${map.byId.size} control(s) (${cfg.cisManifestFile}).`,
        '',
    ].join('\n'));
}


/***/ }),

/***/ 49648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Kw: () => (/* binding */ versionSatisfies),
/* harmony export */   io: () => (/* binding */ resolveHashicorpTool)
/* harmony export */ });
/* unused harmony export parseToolVersion */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(33904);
/* harmony import */ var _exec_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51770);
/**
 * HashiCorp binaries (packer, terraform): the one on PATH when it satisfies the wanted version,
 * otherwise that exact version from releases.hashicorp.com through the tool cache.
 */



/** "Packer v1.6.6" / "Terraform v1.11.4" → "1.6.6". */
function parseToolVersion(out) {
    return /(?:Packer|Terraform) v?(\d+\.\d+\.\d+)/.exec(out)?.[1];
}
/** Does `have` satisfy `want`: exact "1.6.6", prefix "1.6", or ">=1.7.0"? Empty `want` = anything. */
function versionSatisfies(have, want) {
    const w = want.trim().replace(/^v/, '');
    if (!w)
        return true;
    const cmp = (a, b) => {
        const pa = a.split('.').map(Number);
        const pb = b.split('.').map(Number);
        for (let i = 0; i < 3; i++) {
            const d = (pa[i] ?? 0) - (pb[i] ?? 0);
            if (d)
                return d;
        }
        return 0;
    };
    if (w.startsWith('>='))
        return cmp(have, w.slice(2).trim()) >= 0;
    if (/^\d+\.\d+\.\d+$/.test(w))
        return have === w;
    if (/^\d+(\.\d+)?$/.test(w))
        return have === w || have.startsWith(`${w}.`);
    return false;
}
async function versionOf(bin) {
    try {
        const r = await (0,_exec_js__WEBPACK_IMPORTED_MODULE_2__.exec)(bin, ['version'], {
            timeoutMs: 30_000,
            env: { ...process.env, CHECKPOINT_DISABLE: '1' },
        });
        return parseToolVersion(r.stdout);
    }
    catch {
        return undefined;
    }
}
async function resolveHashicorpTool(io, tool, want, input) {
    const onPath = await versionOf(tool);
    if (onPath && versionSatisfies(onPath, want)) {
        io.info(`Using ${tool} ${onPath} from PATH${want ? ` (satisfies ${want})` : ''}`);
        return { path: tool, version: onPath };
    }
    if (!want) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(input, `${tool} is not on PATH.`, `install ${tool} first, or set ${input} to an exact version to download, e.g. ${tool === 'packer' ? '1.11.2' : '1.11.4'}.`);
    }
    if (!/^\d+\.\d+\.\d+$/.test(want)) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(input, `${tool} ${onPath ?? '(none)'} on PATH does not satisfy "${want}", and only an exact version can be downloaded.`, `give an exact version such as ${tool === 'packer' ? '1.11.2' : '1.11.4'}.`);
    }
    const tc = await Promise.all(/* import() */[__webpack_require__.e(88), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 59805));
    let dir = tc.find(tool, want);
    if (!dir) {
        const plat = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform] ?? process.platform;
        const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386' }[process.arch] ?? process.arch;
        const url = `https://releases.hashicorp.com/${tool}/${want}/${tool}_${want}_${plat}_${arch}.zip`;
        io.info(`Downloading ${tool} ${want} from ${url}`);
        let zip;
        try {
            zip = await tc.downloadTool(url);
        }
        catch (e) {
            throw new Error(`could not download ${tool} ${want} from ${url}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .messageOf */ .bD)(e)}`);
        }
        dir = await tc.cacheDir(await tc.extractZip(zip), tool, want);
    }
    const bin = node_path__WEBPACK_IMPORTED_MODULE_0__.join(dir, process.platform === 'win32' ? `${tool}.exe` : tool);
    const v = await versionOf(bin);
    if (v !== want)
        throw new Error(`the downloaded ${tool} at ${bin} reports version ${v ?? 'unknown'}, not ${want}`);
    return { path: bin, version: v };
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
