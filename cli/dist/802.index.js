export const id = 802;
export const ids = [802];
export const modules = {

/***/ 9802:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DESTROYED_KEY: () => (/* binding */ DESTROYED_KEY),
  PGID_KEY: () => (/* binding */ PGID_KEY),
  STARTED_KEY: () => (/* binding */ STARTED_KEY),
  STATE_KEY: () => (/* binding */ STATE_KEY),
  outputsInstances: () => (/* binding */ outputsInstances),
  readConfig: () => (/* binding */ readConfig),
  runVerify: () => (/* binding */ runVerify),
  runVerifyPost: () => (/* binding */ runVerifyPost)
});

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
// EXTERNAL MODULE: ./shared/src/errors.ts
var errors = __webpack_require__(33904);
// EXTERNAL MODULE: ./shared/src/exec.ts
var exec = __webpack_require__(51770);
// EXTERNAL MODULE: ./shared/src/hashicorp.ts
var hashicorp = __webpack_require__(49648);
// EXTERNAL MODULE: ./shared/src/inputs.ts
var inputs = __webpack_require__(39554);
// EXTERNAL MODULE: ./shared/src/ssh-keys.ts
var ssh_keys = __webpack_require__(87594);
// EXTERNAL MODULE: ./shared/src/vars.ts
var vars = __webpack_require__(33329);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./action-verify/src/smoke/spec.ts
/**
 * The smoke-test spec (YAML; schema in docs/smoke-tests.schema.json). Parsed with line numbers so
 * every problem is reported as file:line before anything is applied. Pure apart from reading text.
 *
 *   defaults: { retries: 5, within: 60s }
 *   checks:
 *     - name: web answers
 *       kind: http
 *       url: http://${{ outputs.public_ip }}/health
 *       status: 200
 *       body-contains: ok
 *     - name: ssh port
 *       kind: tcp
 *       host: ${{ outputs.public_ip }}
 *       port: 22
 *     - name: MaxAuthTries
 *       kind: command
 *       host: ${{ outputs.public_ip }}
 *       user: ubuntu
 *       command: sshd -T | grep -i '^maxauthtries 4$'
 */

class SpecError extends Error {
    file;
    line;
    problem;
    constructor(file, line, problem) {
        super(`${file}:${line}: ${problem}`);
        this.file = file;
        this.line = line;
        this.problem = problem;
        this.name = 'SpecError';
    }
}
const KNOWN = {
    tcp: ['host', 'port'],
    http: ['url', 'status', 'body-contains', 'body-regex'],
    command: [
        'command',
        'argv',
        'transport',
        'host',
        'port',
        'user',
        'instance-id',
        'exit-code',
        'stdout-contains',
        'stdout-regex',
    ],
};
const COMMON = ['name', 'kind', 'retries', 'within'];
/** "90s", "2m", "1m30s", "500ms", or a number of seconds. */
function parseDuration(v) {
    if (typeof v === 'number' && v >= 0)
        return v * 1000;
    if (typeof v !== 'string')
        return undefined;
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s))
        return Number(s) * 1000;
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
    let total = 0;
    let consumed = '';
    for (const m of s.matchAll(re)) {
        total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
        consumed += m[0];
    }
    return consumed === s && consumed ? total : undefined;
}
function parseSpec(text, file) {
    const lc = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lc, prettyErrors: false });
    const lineOf = (node, fallback = 1) => node && 'range' in node && node.range ? lc.linePos(node.range[0]).line : fallback;
    if (doc.errors.length) {
        const e = doc.errors[0];
        throw new SpecError(file, lc.linePos(e.pos[0]).line, `not valid YAML: ${e.message.split('\n')[0]}`);
    }
    const root = doc.contents;
    if (!(0,dist/* isMap */.jh)(root))
        throw new SpecError(file, 1, 'the spec must be a mapping with a "checks" list');
    const defaultsNode = root.get('defaults', true);
    const defaults = (0,dist/* isMap */.jh)(defaultsNode) ? defaultsNode.toJSON() : {};
    const checksNode = root.get('checks', true);
    if (!(0,dist/* isSeq */.oP)(checksNode) || checksNode.items.length === 0) {
        throw new SpecError(file, lineOf(checksNode ?? root), '"checks" must be a non-empty list');
    }
    const names = new Set();
    return checksNode.items.map((item) => {
        const line = lineOf(item);
        if (!(0,dist/* isMap */.jh)(item))
            throw new SpecError(file, line, 'each check must be a mapping (name, kind, ...)');
        return parseCheck(new CheckFields(file, item, line, lineOf), defaults, names);
    });
}
/** One check's fields, read and checked with errors at their own line. */
class CheckFields {
    file;
    map;
    line;
    lineOf;
    v;
    kind = '';
    name = '';
    constructor(file, map, line, lineOf) {
        this.file = file;
        this.map = map;
        this.line = line;
        this.lineOf = lineOf;
        this.v = map.toJSON();
    }
    at(key) {
        return this.lineOf(this.map.get(key, true), this.line);
    }
    fail(problem, key) {
        throw new SpecError(this.file, key ? this.at(key) : this.line, problem);
    }
    str(key) {
        const x = this.v[key];
        if (x === undefined || x === null)
            return undefined;
        if (typeof x === 'object')
            this.fail(`"${key}" must be a single value, not a ${Array.isArray(x) ? 'list' : 'mapping'}`, key);
        return String(x);
    }
    need(key) {
        const s = this.str(key);
        if (s === undefined || s === '')
            this.fail(`${this.kind} check "${this.name}" is missing "${key}"`);
        return s;
    }
    host(key, required) {
        const h = required ? this.need(key) : this.str(key);
        if (h !== undefined && !OUTPUT_REF_ONLY.test(h.trim()) && !/^[A-Za-z0-9.:[\]_-]+$/.test(withRefs(h)))
            this.fail(`"${key}" must be a host name or IP address (or a \${{ outputs.x }} reference)`, key);
        return h;
    }
    url(key) {
        const u = this.need(key);
        let ok = false;
        try {
            const standIn = withRefs(u.replace(PORT_REF, ':80'));
            ok = /^https?:$/.test(new URL(standIn).protocol);
        }
        catch {
            ok = false;
        }
        if (!ok)
            this.fail(`"${key}" must be an http:// or https:// URL (outputs as \${{ outputs.x }}), not "${u}"`, key);
        return u;
    }
    port(key, dflt) {
        const p = this.str(key) ?? dflt;
        if (p === undefined)
            this.fail(`${this.kind} check "${this.name}" is missing "${key}"`);
        if (!/^\$\{\{.*\}\}$/.test(p.trim()) &&
            !(Number.isInteger(Number(p)) && Number(p) >= 1 && Number(p) <= 65535))
            this.fail(`"${key}" must be a port from 1 to 65535 (or a \${{ outputs.x }} reference)`, key);
        return p;
    }
    regex(key) {
        const r = this.str(key);
        if (r === undefined)
            return undefined;
        try {
            new RegExp(r);
        }
        catch (e) {
            this.fail(`"${key}" is not a valid regular expression: ${e.message}`, key);
        }
        return r;
    }
}
function parseCheck(f, defaults, names) {
    const { v, line } = f;
    const kind = v.kind;
    if (!kind)
        f.fail('check has no "kind" (tcp, http or command)');
    if (!(kind in KNOWN))
        f.fail(`unknown kind "${String(kind)}": use tcp, http or command`, 'kind');
    for (const key of Object.keys(v)) {
        if (!COMMON.includes(key) && !KNOWN[kind].includes(key)) {
            const pair = f.map.items.find((p) => p.key?.value === key);
            throw new SpecError(f.file, f.lineOf(pair?.key, line), `"${key}" is not a field of a ${kind} check (fields: ${KNOWN[kind].join(', ')})`);
        }
    }
    f.kind = kind;
    f.name = String(v.name ?? `${kind} check at line ${line}`);
    if (names.has(f.name))
        f.fail(`two checks are named "${f.name}"`, 'name');
    names.add(f.name);
    const retries = Number(v.retries ?? defaults.retries ?? 3);
    if (!Number.isInteger(retries) || retries < 0 || retries > 1000)
        f.fail('"retries" must be a whole number from 0 to 1000', 'retries');
    const withinMs = parseDuration(v.within ?? defaults.within ?? '60s');
    if (withinMs === undefined)
        f.fail(`"within" must be a duration such as 30s, 2m or 1m30s`, 'within');
    const base = { name: f.name, line, retries, withinMs };
    if (kind === 'tcp')
        return { ...base, kind, host: f.host('host', true), port: f.port('port') };
    if (kind === 'http') {
        const status = Number(v.status ?? 200);
        if (!Number.isInteger(status) || status < 100 || status > 599)
            f.fail('"status" must be an HTTP status code', 'status');
        return {
            ...base,
            kind,
            url: f.url('url'),
            status,
            bodyContains: f.str('body-contains'),
            bodyRegex: f.regex('body-regex'),
        };
    }
    return commandCheck(f, base);
}
function commandCheck(f, base) {
    const { v, name } = f;
    const transport = (f.str('transport') ?? 'ssh');
    if (transport !== 'ssh' && transport !== 'ssm')
        f.fail('"transport" must be ssh or ssm', 'transport');
    const command = f.str('command');
    const argv = Array.isArray(v.argv) ? v.argv.map(String) : undefined;
    if (!command && !argv?.length)
        f.fail(`command check "${name}" needs "command" (a command line) or "argv" (a list)`);
    if (command && /\$\{\{/.test(command))
        f.fail('outputs are not substituted into a "command" line (that would be shell injection): use "argv" to pass them as arguments', 'command');
    const exitCode = Number(v['exit-code'] ?? 0);
    if (!Number.isInteger(exitCode))
        f.fail('"exit-code" must be a whole number', 'exit-code');
    const check = {
        ...base,
        kind: 'command',
        transport,
        command,
        argv,
        host: f.host('host', false),
        port: transport === 'ssh' ? f.port('port', '22') : '22',
        user: f.str('user'),
        instanceId: f.str('instance-id'),
        exitCode,
        stdoutContains: f.str('stdout-contains'),
        stdoutRegex: f.regex('stdout-regex'),
    };
    if (transport === 'ssh' && (!check.host || !check.user))
        f.fail(`command check "${name}" over ssh needs "host" and "user"`);
    if (transport === 'ssm' && !check.instanceId)
        f.fail(`command check "${name}" over ssm needs "instance-id"`);
    return check;
}
/** `${{ outputs.name }}` or `${{ outputs.list[0] }}` */
const REF = String.raw `\$\{\{\s*outputs\.[\w-]+(?:\[\d+\])?\s*\}\}`;
const OUTPUT_REF = new RegExp(REF, 'g');
const OUTPUT_REF_ONLY = new RegExp(`^${REF}$`);
/** a reference after "host:" stands for a port */
const PORT_REF = new RegExp(`:${REF}`, 'g');
/** The text with each output reference replaced by a stand-in host, to check its form before apply. */
function withRefs(s) {
    return s.replace(OUTPUT_REF, 'output.example');
}
/** Replace `${{ outputs.name }}` (and `${{ outputs.list[0] }}`) with Terraform output values. */
function substitute(s, outputs) {
    return s.replace(/\$\{\{\s*outputs\.([\w-]+)(?:\[(\d+)\])?\s*\}\}/g, (_, name, idx) => {
        if (!(name in outputs))
            throw new Error(`no Terraform output named "${name}"`);
        let v = outputs[name];
        if (idx !== undefined) {
            if (!Array.isArray(v))
                throw new Error(`output "${name}" is not a list`);
            v = v[Number(idx)];
        }
        if (v === undefined || v === null || typeof v === 'object')
            throw new Error(`output "${name}" is not a single value`);
        return String(v);
    });
}

;// CONCATENATED MODULE: ./action-verify/src/smoke/run.ts
/**
 * Running smoke checks: each is tried up to `retries + 1` times within its `within` budget, with a
 * short backoff, and reports what it expected and what it saw last.
 */


class Fatal extends Error {
}
function tcp(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
        const sock = external_node_net_.connect({ host, port });
        const timer = setTimeout(() => {
            sock.destroy();
            reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`));
        }, timeoutMs);
        sock.once('connect', () => {
            clearTimeout(timer);
            sock.end();
            resolve(`${host}:${port} accepts connections`);
        });
        sock.once('error', (e) => {
            clearTimeout(timer);
            reject(new Error(`${host}:${port}: ${e.message}`));
        });
    });
}
async function http(url, c, timeoutMs) {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = (await res.text()).slice(0, 1024 * 1024);
    if (res.status !== c.status)
        throw new Error(`expected HTTP ${c.status} from ${url}, got ${res.status}`);
    if (c.bodyContains !== undefined && !body.includes(c.bodyContains)) {
        throw new Error(`expected the body of ${url} to contain "${c.bodyContains}"; it starts: ${JSON.stringify(body.slice(0, 200))}`);
    }
    if (c.bodyRegex !== undefined && !new RegExp(c.bodyRegex, 'm').test(body)) {
        throw new Error(`expected the body of ${url} to match /${c.bodyRegex}/; it starts: ${JSON.stringify(body.slice(0, 200))}`);
    }
    return `${url} answered ${res.status}`;
}
async function command(c, outputs, remote, io, timeoutMs) {
    const argv = c.argv?.map((a) => substitute(a, outputs));
    let r;
    const shown = c.command ?? argv?.join(' ') ?? '';
    if (c.transport === 'ssm') {
        if (!remote.ssm)
            throw new Fatal('ssm transport needs AWS credentials and a region');
        const line = c.command ?? (await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 51770))).shellJoin(argv ?? []);
        r = await remote.ssm(substitute(c.instanceId, outputs), line, timeoutMs);
    }
    else {
        if (!remote.sshKey)
            throw new Fatal('command checks over ssh need the ssh-key input');
        const target = {
            user: substitute(c.user, outputs),
            host: substitute(c.host, outputs),
            port: Number(substitute(c.port, outputs)),
        };
        const { Ssh } = await Promise.all(/* import() */[__webpack_require__.e(472), __webpack_require__.e(197)]).then(__webpack_require__.bind(__webpack_require__, 18197));
        const conn = await Ssh.connect(target, { privateKey: remote.sshKey, knownHosts: remote.sshKnownHosts ?? '', readyTimeoutMs: timeoutMs }, io);
        try {
            r =
                c.command !== undefined
                    ? await conn.runShell(c.command, timeoutMs)
                    : await conn.run(argv ?? [], timeoutMs);
        }
        finally {
            conn.close();
        }
    }
    const out = r.stdout.trim();
    if (r.code !== c.exitCode)
        throw new Error(`expected \`${shown}\` to exit ${c.exitCode}, it exited ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().slice(-300)}` : ''}`);
    if (c.stdoutContains !== undefined && !out.includes(c.stdoutContains)) {
        throw new Error(`expected the output of \`${shown}\` to contain "${c.stdoutContains}"; got ${JSON.stringify(out.slice(0, 300))}`);
    }
    if (c.stdoutRegex !== undefined && !new RegExp(c.stdoutRegex, 'm').test(out)) {
        throw new Error(`expected the output of \`${shown}\` to match /${c.stdoutRegex}/; got ${JSON.stringify(out.slice(0, 300))}`);
    }
    return `\`${shown}\` exited ${r.code}`;
}
async function once(c, outputs, remote, io, timeoutMs) {
    let host;
    let url;
    try {
        if (c.kind === 'tcp')
            host = substitute(c.host, outputs);
        if (c.kind === 'http')
            url = substitute(c.url, outputs);
    }
    catch (e) {
        throw new Fatal(e.message);
    }
    if (c.kind === 'tcp')
        return tcp(host, Number(substitute(c.port, outputs)), timeoutMs);
    if (c.kind === 'http')
        return http(url, c, timeoutMs);
    try {
        return await command(c, outputs, remote, io, timeoutMs);
    }
    catch (e) {
        if (/no Terraform output named|is not a list|is not a single value/.test(e.message))
            throw new Fatal(e.message);
        throw e;
    }
}
async function runCheck(c, outputs, remote, io, signal) {
    const t0 = Date.now();
    const deadline = t0 + c.withinMs;
    let attempts = 0;
    let last = '';
    while (attempts <= c.retries) {
        if (signal?.aborted) {
            last = 'cancelled';
            break;
        }
        attempts++;
        const remaining = Math.max(250, deadline - Date.now());
        try {
            const msg = await once(c, outputs, remote, io, Math.min(remaining, 30_000));
            return { check: c, passed: true, attempts, message: msg, ms: Date.now() - t0 };
        }
        catch (e) {
            last = e.message;
            if (e instanceof Fatal)
                break;
            io.debug(`check "${c.name}" attempt ${attempts}: ${last}`);
        }
        const wait = Math.min(500 * 2 ** (attempts - 1), 5000, deadline - Date.now());
        if (wait <= 0 || attempts > c.retries)
            break;
        await new Promise((r) => setTimeout(r, wait));
    }
    return { check: c, passed: false, attempts, message: last, ms: Date.now() - t0 };
}

;// CONCATENATED MODULE: ./action-verify/src/terraform.ts
/** Terraform through argv only: init, apply, output -json, state list, destroy. */

const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
async function terraform(io, tf, args, opts = {}) {
    const argv = [`-chdir=${tf.dir}`, ...args];
    if (!opts.quiet)
        io.info(`$ terraform ${argv.join(' ')}`);
    return (0,exec.exec)(tf.bin, argv, {
        env: { ...process.env, ...ENV },
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
        // Terraform stops gracefully on SIGTERM (saves state, releases the lock); give it time.
        killGraceMs: opts.killGraceMs ?? 120_000,
        // Its own process group: a stopped apply's provisioner children (local-exec) are terminated
        // with it instead of surviving the run.
        processGroup: true,
        reap: 'stopped',
        onSpawn: opts.onSpawn,
        onStdoutLine: opts.quiet ? undefined : (l) => io.info(l),
        onStderrLine: opts.quiet ? undefined : (l) => io.info(l),
        maxBuffer: 4 * 1024 * 1024,
    });
}
function lastLines(r, n = 12) {
    return `${r.stderr}\n${r.stdout}`
        .split('\n')
        .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
        .filter((l) => l.trim() &&
        !/Unable to open CLI configuration file|CLI configuration file at|There are some problems with the CLI configuration|^[│╷╵\s]*$/.test(l))
        .slice(-n)
        .join('\n');
}
async function stateList(io, tf) {
    const r = await terraform(io, tf, ['state', 'list'], { quiet: true, timeoutMs: 60_000 });
    return r.code === 0
        ? r.stdout
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
        : [];
}
/** Every leaf of a value (strings, numbers) as text: what must be masked for a sensitive output. */
function leaves(v) {
    if (v === null || v === undefined || typeof v === 'boolean')
        return [];
    if (typeof v === 'string' || typeof v === 'number')
        return [String(v)];
    if (Array.isArray(v))
        return v.flatMap(leaves);
    if (typeof v === 'object')
        return Object.values(v).flatMap(leaves);
    return [];
}
/**
 * `terraform output -json` → name → value, and the names of the sensitive ones. Every leaf of a
 * sensitive output (in maps and lists too, and as it appears JSON-escaped) is registered as a
 * secret before anything is printed.
 */
async function outputs(io, tf) {
    const r = await terraform(io, tf, ['output', '-json', '-no-color'], { quiet: true, timeoutMs: 60_000 });
    if (r.code !== 0)
        throw new Error(`terraform output failed:\n${lastLines(r)}`);
    const doc = JSON.parse(r.stdout || '{}');
    const values = {};
    const sensitive = new Set();
    for (const [k, v] of Object.entries(doc)) {
        values[k] = v.value;
        if (!v.sensitive)
            continue;
        sensitive.add(k);
        for (const leaf of leaves(v.value)) {
            if (!leaf)
                continue;
            io.setSecret(leaf);
            const escaped = JSON.stringify(leaf).slice(1, -1);
            if (escaped !== leaf)
                io.setSecret(escaped);
        }
    }
    return { values, sensitive };
}
/** The lock a failed command reports ("Error acquiring the state lock ... ID: ..."), if any. */
function lockOf(r) {
    const text = `${r.stderr}\n${r.stdout}`.replace(/\x1b\[[0-9;]*m/g, '');
    if (!/Error acquiring the state lock/i.test(text))
        return undefined;
    const field = (name) => new RegExp(`^[\\s│]*${name}:\\s+(.+?)\\s*$`, 'm').exec(text)?.[1];
    const id = field('ID');
    return id ? { id, who: field('Who'), created: field('Created') } : undefined;
}
/**
 * Destroy, and say where the state is when it fails — never silently. `ownLock` decides whether a
 * state lock that blocks the destroy was left by this job's own run (killed mid-apply): then it is
 * released with `terraform force-unlock` and the destroy runs again.
 */
async function destroy(io, tf, ownLock) {
    const run = () => io.group('terraform destroy', () => terraform(io, tf, ['destroy', '-auto-approve', '-input=false', '-no-color', ...tf.varArgs], {
        timeoutMs: 30 * 60_000,
    }));
    let r = await run();
    const lock = r.code !== 0 ? lockOf(r) : undefined;
    if (lock && ownLock?.(lock)) {
        io.info(`The state is locked by this job's earlier run (lock ${lock.id}, ${lock.who ?? '?'}): releasing it.`);
        const u = await terraform(io, tf, ['force-unlock', '-force', lock.id], { timeoutMs: 60_000 });
        if (u.code !== 0)
            throw new Error(`terraform force-unlock ${lock.id} failed:\n${lastLines(u)}`);
        r = await run();
    }
    else if (lock) {
        io.warning(`The state is locked (lock ${lock.id} by ${lock.who ?? 'someone'}, ${lock.created ?? ''}), not by this job's run: not forcing it.`);
    }
    if (r.code !== 0) {
        const left = await stateList(io, tf);
        throw new Error(`terraform destroy failed (exit ${r.code}); the state is in ${tf.dir} (terraform.tfstate, or the configured backend)` +
            `${left.length ? ` and still holds: ${left.join(', ')}` : ''}. Destroy it with: terraform -chdir=${tf.dir} destroy\n${lastLines(r)}`);
    }
}

;// CONCATENATED MODULE: ./action-verify/src/verify.ts
/**
 * action-verify: a Terraform test environment built from the new AMI, waited for, smoke-checked,
 * and always destroyed — after the checks (unless `keep`), on failure, on cancel, and in the
 * action's post step from the state the main step recorded.
 */














const STATE_KEY = 'terraform';
const DESTROYED_KEY = 'destroyed';
/** when and as whom the main step started Terraform: a lock it left is recognised as its own */
const STARTED_KEY = 'terraform-started';
/** the process group of the running apply (Terraform and its provisioners' children) */
const PGID_KEY = 'terraform-pgid';
const whoAmI = () => `${external_node_os_.userInfo().username}@${external_node_os_.hostname()}`;
function readConfig(io) {
    const inp = new inputs/* Inputs */.G0(io);
    const amiId = (0,validate/* validateAmiId */.VC)('ami-id', inp.required('ami-id', 'ami-0123456789abcdef0'));
    const dir = inp.existingPath('terraform-dir', 'directory') ?? '';
    if (!dir)
        throw new errors/* InputError */.dz('terraform-dir', 'is required.', 'give the directory of the test environment module, e.g. test/env');
    if (!external_node_fs_.readdirSync(dir).some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) {
        throw new errors/* InputError */.dz('terraform-dir', `"${dir}" has no .tf files.`, 'point it at a Terraform module directory.');
    }
    const amiVariable = inp.string('ami-variable') || 'ami_id';
    if (!/^[A-Za-z_][\w-]*$/.test(amiVariable))
        throw new errors/* InputError */.dz('ami-variable', `"${amiVariable}" is not a Terraform variable name.`, 'e.g. ami_id');
    const specFile = inp.existingPath('smoke-tests', 'file');
    let checks = [];
    if (specFile) {
        try {
            checks = parseSpec(external_node_fs_.readFileSync(specFile, 'utf8'), specFile);
        }
        catch (e) {
            if (e instanceof SpecError) {
                io.annotate({
                    level: 'error',
                    file: e.file,
                    line: e.line,
                    title: 'Smoke-test spec error',
                    message: e.problem,
                });
                throw new errors/* InputError */.dz('smoke-tests', `${e.file}:${e.line}: ${e.problem}.`, 'fix the spec (see docs/smoke-tests.schema.json).');
            }
            throw e;
        }
    }
    const needsSsh = checks.some((c) => c.kind === 'command' && c.transport === 'ssh');
    const sshKey = inp.string('ssh-key') ? (0,ssh_keys/* loadPrivateKey */.P)(inp.string('ssh-key')) : undefined;
    if (needsSsh && !sshKey)
        throw new errors/* InputError */.dz('ssh-key', 'is required: the smoke tests have command checks over ssh.', 'pass the private key (e.g. from a secret) or its path.');
    if (sshKey)
        io.setSecret(sshKey);
    const tagAmi = (inp.string('tag-ami') || 'auto').toLowerCase();
    if (!['true', 'false', 'auto'].includes(tagAmi))
        throw new errors/* InputError */.dz('tag-ami', `"${tagAmi}" is not true, false or auto.`, 'use true, false or auto.');
    // The module's instance outputs are waited for with EC2 status checks: that needs a region, known
    // now rather than after the environment exists.
    const needsAws = tagAmi === 'true' ||
        checks.some((c) => c.kind === 'command' && c.transport === 'ssm') ||
        outputsInstances(dir);
    return {
        amiId,
        dir: external_node_path_.resolve(dir),
        amiVariable,
        varFiles: inp.list('var-files').map((f) => external_node_path_.resolve((0,inputs/* checkPath */.Cg)('var-files', f, 'file'))),
        vars: (0,vars/* parseVars */.u)(inp.string('vars')),
        backendConfig: inp.list('backend-config'),
        terraformVersion: inp.string('terraform-version'),
        specFile,
        checks,
        timeoutMs: (inp.number('timeout', 0.05, 24 * 60) ?? 30) * 60_000,
        keep: inp.boolean('keep'),
        sshKey,
        sshKnownHosts: inp.string('ssh-known-hosts'),
        awsRegion: needsAws || inp.string('aws-region')
            ? (0,validate/* resolveRegion */.Zv)('aws-region', inp.string('aws-region'), io.env)
            : undefined,
        tagAmi: tagAmi,
    };
}
/**
 * Record the verdict on the AMI (promote's default gate requires ami-bakery:verify=passed).
 * tag-ami auto: when a region is known, and a missing AMI or missing credentials is a warning.
 */
async function tagVerdict(io, cfg, verdict) {
    if (cfg.tagAmi === 'false')
        return;
    const region = (0,validate/* regionFromEnv */.Yl)(cfg.awsRegion, io.env);
    if (!region) {
        io.info('Not tagging the AMI: no region (set aws-region, or tag-ami: false to silence this).');
        return;
    }
    const { ec2Client, tagImages } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
    try {
        await tagImages(ec2Client(region), [cfg.amiId], { [tags/* TAG */.Dk.verify]: verdict }, { mustExist: 'ami-id' });
        io.info(`Tagged ${cfg.amiId} (${region}) ${tags/* TAG */.Dk.verify}=${verdict}`);
    }
    catch (e) {
        if (cfg.tagAmi === 'true')
            throw e;
        io.warning(`Not tagged ${tags/* TAG */.Dk.verify}=${verdict} on ${cfg.amiId} (${region}): ${(0,errors/* messageOf */.bD)(e)} (tag-ami: auto; set true to make this an error).`);
    }
}
/** Whether the module declares an `instance_id`/`instance_ids` output (read from its .tf files). */
function outputsInstances(dir) {
    return external_node_fs_.readdirSync(dir)
        .filter((f) => f.endsWith('.tf'))
        .some((f) => /^\s*output\s+"instance_ids?"\s*\{/m.test(external_node_fs_.readFileSync(external_node_path_.join(dir, f), 'utf8')));
}
function instanceIds(outs) {
    const ids = [];
    if (typeof outs.instance_id === 'string')
        ids.push(outs.instance_id);
    if (Array.isArray(outs.instance_ids))
        ids.push(...outs.instance_ids.filter((x) => typeof x === 'string'));
    return [...new Set(ids)].filter((id) => /^i-[0-9a-f]{8,17}$/.test(id));
}
async function ssmRunner(region) {
    const { SSMClient, SendCommandCommand, GetCommandInvocationCommand } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(736)]).then(__webpack_require__.t.bind(__webpack_require__, 34736, 19));
    const client = new SSMClient({ region, maxAttempts: 5 });
    return async (instanceId, command, timeoutMs) => {
        const sent = await client.send(new SendCommandCommand({
            InstanceIds: [instanceId],
            DocumentName: 'AWS-RunShellScript',
            Parameters: { commands: [command] },
            TimeoutSeconds: Math.max(30, Math.ceil(timeoutMs / 1000)),
        }));
        const id = sent.Command?.CommandId;
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            await new Promise((r) => setTimeout(r, 1000));
            try {
                const inv = await client.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: instanceId }));
                if (inv.Status && !['Pending', 'InProgress', 'Delayed'].includes(inv.Status)) {
                    return {
                        code: inv.ResponseCode ?? -1,
                        stdout: inv.StandardOutputContent ?? '',
                        stderr: inv.StandardErrorContent ?? inv.StatusDetails ?? '',
                    };
                }
            }
            catch (e) {
                if (e.name !== 'InvocationDoesNotExist')
                    throw e;
            }
            if (Date.now() > deadline)
                throw new Error(`SSM command ${id} on ${instanceId} did not finish in time`);
        }
    };
}
function summaryTable(results, spec) {
    const rows = results.map((r) => `| ${r.passed ? '✅' : '❌'} | ${r.check.name.replace(/\|/g, '\\|')} | ${r.check.kind} | ${r.attempts} | ${(r.ms / 1000).toFixed(1)} s | ${r.message.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 300)} | ${spec ? `\`${spec}:${r.check.line}\`` : ''} |`);
    return [
        '| | check | kind | attempts | time | result | spec |',
        '|---|---|---|---:|---:|---|---|',
        ...rows,
    ].join('\n');
}
/** The main step: apply, wait, check, destroy (or leave to the post step), tag the verdict. */
async function runVerify(io, signal) {
    const cfg = readConfig(io);
    const tfBin = await (0,hashicorp/* resolveHashicorpTool */.io)(io, 'terraform', cfg.terraformVersion, 'terraform-version');
    const varArgs = [
        ...cfg.varFiles.map((f) => `-var-file=${f}`),
        ...cfg.vars.flatMap((v) => ['-var', `${v.key}=${v.value}`]),
        '-var',
        `${cfg.amiVariable}=${cfg.amiId}`,
    ];
    const tf = { bin: tfBin.path, dir: cfg.dir, varArgs };
    // Recorded before anything is created, so the post step can destroy whatever this step leaves.
    io.saveState(STATE_KEY, JSON.stringify(tf));
    io.saveState(STARTED_KEY, JSON.stringify({ at: Date.now(), who: whoAmI() }));
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), cfg.timeoutMs);
    const stop = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const deadline = Date.now() + cfg.timeoutMs;
    const stopped = (during) => new Error(timeout.signal.aborted
        ? `the timeout (${cfg.timeoutMs / 60_000} min) ran out during ${during}`
        : `cancelled during ${during}`);
    let failure;
    let results = [];
    try {
        const outs = await applyEnvironment(io, cfg, tf, stop, stopped);
        const ids = instanceIds(outs);
        if (ids.length)
            await waitForTestInstances(io, cfg, ids, deadline, stop);
        if (cfg.checks.length) {
            results = await runSmokeChecks(io, cfg, outs, stop);
            if (stop.aborted)
                throw stopped('the smoke checks');
        }
    }
    catch (e) {
        failure = e;
    }
    finally {
        clearTimeout(timer);
    }
    const passed = results.filter((r) => r.passed).length;
    const failed = results.length - passed;
    io.setOutput('passed', passed);
    io.setOutput('failed', failed);
    await io.appendSummary([
        '## ami-bakery verify',
        '',
        `AMI \`${cfg.amiId}\` in \`${external_node_path_.relative(process.cwd(), cfg.dir) || '.'}\`: ${failure ? `❌ ${(0,errors/* messageOf */.bD)(failure).split('\n')[0]}` : `${passed} passed, ${failed} failed`}`,
        '',
        results.length ? summaryTable(results, cfg.specFile) : '',
        '',
    ].join('\n'));
    const destroyError = await teardown(io, cfg, tf, Boolean(failure), signal);
    if (!signal?.aborted) {
        try {
            await tagVerdict(io, cfg, !failure && !failed && !destroyError ? 'passed' : 'failed');
        }
        catch (e) {
            if (!failure && !destroyError)
                throw e;
            io.warning(`Could not tag ${cfg.amiId}: ${(0,errors/* messageOf */.bD)(e)}`);
        }
    }
    if (failure && destroyError)
        throw new Error(`${failure.message}\nand then: ${destroyError.message}`);
    if (failure)
        throw failure;
    if (destroyError)
        throw destroyError;
    if (failed)
        throw new errors/* GateError */.ue(`${failed} of ${results.length} smoke check(s) failed: ${results
            .filter((r) => !r.passed)
            .map((r) => r.check.name)
            .join(', ')}`);
}
/** terraform init and apply; the module's outputs become step outputs (sensitive ones masked). */
async function applyEnvironment(io, cfg, tf, stop, stopped) {
    const init = await io.group('terraform init', () => terraform(io, tf, ['init', '-input=false', '-no-color', ...cfg.backendConfig.map((b) => `-backend-config=${b}`)], { signal: stop }));
    if (init.code !== 0)
        throw new Error(`terraform init failed (exit ${init.code}):\n${lastLines(init)}`);
    const apply = await io.group(`terraform apply (${cfg.amiVariable}=${cfg.amiId})`, () => terraform(io, tf, ['apply', '-auto-approve', '-input=false', '-no-color', ...tf.varArgs], {
        signal: stop,
        // In an action the runner kills the step ~10 s after cancelling: stop apply at once.
        ...(io.postStep ? { killGraceMs: 5_000 } : {}),
        // If this step is killed outright, the post step stops what is left of this apply first.
        onSpawn: (pid) => io.saveState(PGID_KEY, String(pid)),
    }));
    if (apply.aborted || stop.aborted)
        throw stopped('terraform apply');
    if (apply.code !== 0)
        throw new Error(`terraform apply failed (exit ${apply.code}):\n${lastLines(apply)}`);
    const { values: outs, sensitive } = await outputs(io, tf);
    for (const [k, v] of Object.entries(outs))
        io.setOutput(k, typeof v === 'string' ? v : JSON.stringify(v));
    io.setOutput('outputs', JSON.stringify(outs));
    const names = Object.keys(outs).map((k) => (sensitive.has(k) ? `${k}=<sensitive>` : k));
    if (names.length)
        io.info(`Outputs: ${names.join(', ')}`);
    return outs;
}
async function waitForTestInstances(io, cfg, ids, deadline, stop) {
    const region = (0,validate/* resolveRegion */.Zv)('aws-region', cfg.awsRegion ?? '', io.env);
    await io.group(`Waiting for ${ids.join(', ')} to pass status checks`, async () => {
        const { ec2Client } = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(193), __webpack_require__.e(736), __webpack_require__.e(695), __webpack_require__.e(819)]).then(__webpack_require__.bind(__webpack_require__, 39819));
        const { waitForInstances } = await __webpack_require__.e(/* import() */ 328).then(__webpack_require__.bind(__webpack_require__, 5328));
        const client = ec2Client(region);
        try {
            await waitForInstances(client, ids, deadline, io, stop);
        }
        finally {
            client.destroy();
        }
    });
}
/** Every smoke check in order; each failure is annotated on its line of the spec file. */
async function runSmokeChecks(io, cfg, outs, stop) {
    const remote = { sshKey: cfg.sshKey, sshKnownHosts: cfg.sshKnownHosts };
    if (cfg.awsRegion && cfg.checks.some((c) => c.kind === 'command' && c.transport === 'ssm'))
        remote.ssm = await ssmRunner(cfg.awsRegion);
    const results = await io.group(`Smoke checks (${cfg.checks.length})`, async () => {
        const out = [];
        for (const c of cfg.checks) {
            const r = await runCheck(c, outs, remote, io, stop);
            io.info(`${r.passed ? 'PASS' : 'FAIL'} ${c.name} (${r.attempts} attempt(s)): ${r.message}`);
            out.push(r);
        }
        return out;
    });
    for (const r of results.filter((x) => !x.passed)) {
        io.annotate({
            level: 'error',
            file: cfg.specFile,
            line: r.check.line,
            title: `Smoke check failed: ${r.check.name}`,
            message: r.message,
        });
    }
    return results;
}
/**
 * Destroy always (unless keep, when the post step does it): a destroy failure is returned as an
 * error. Cancelled in an action: the runner kills this step seconds later, so a destroy started now
 * would be cut short (and leave the state locked): the post step destroys instead.
 */
async function teardown(io, cfg, tf, failed, signal) {
    if (signal?.aborted && io.postStep) {
        io.warning(`Cancelled: the test environment is left to the post step, which runs terraform destroy (state in ${cfg.dir}).`);
        return undefined;
    }
    if (cfg.keep && !failed) {
        io.info(`keep: the environment stays up for later steps; the post step destroys it (state in ${cfg.dir}).`);
        return undefined;
    }
    try {
        await destroy(io, tf);
        io.saveState(DESTROYED_KEY, 'true');
        const left = await stateList(io, tf);
        if (left.length)
            throw new Error(`terraform destroy left resources in the state of ${cfg.dir}: ${left.join(', ')}`);
        return undefined;
    }
    catch (e) {
        return e;
    }
}
/** The post step (post-if: always()): destroy what the main step recorded, unless it already did. */
async function runVerifyPost(io) {
    const raw = io.getState(STATE_KEY);
    if (!raw || io.getState(DESTROYED_KEY) === 'true') {
        io.info('Nothing to destroy.');
        return;
    }
    const tf = JSON.parse(raw);
    // The main step killed outright (SIGKILL) leaves its apply running: stop that first.
    const pgid = Number(io.getState(PGID_KEY));
    if (pgid > 1 && (0,exec.groupAlive)(pgid)) {
        io.warning(`The main step's terraform apply (process group ${pgid}) is still running: stopping it before destroying.`);
        await (0,exec.reapGroup)(pgid, 10_000);
    }
    let started;
    try {
        started = JSON.parse(io.getState(STARTED_KEY));
    }
    catch {
        started = undefined;
    }
    // A lock is our own when it was taken by this machine's user after the main step started Terraform.
    const ownLock = (lock) => {
        if (!started || lock.who !== started.who || !lock.created)
            return false;
        const created = Date.parse(`${lock.created.slice(0, 19).replace(' ', 'T')}Z`);
        return Number.isFinite(created) && created >= started.at - 60_000;
    };
    await destroy(io, tf, ownLock);
    io.info(`Destroyed the test environment in ${tf.dir}.`);
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
