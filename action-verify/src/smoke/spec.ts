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
import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap, type Node as YamlNode } from 'yaml';
import { parseWholeNumber } from '../../../shared/src/inputs.js';

export type CheckKind = 'tcp' | 'http' | 'command';

interface BaseCheck {
  name: string;
  kind: CheckKind;
  line: number;
  retries: number;
  withinMs: number;
}
export interface TcpCheck extends BaseCheck {
  kind: 'tcp';
  host: string;
  port: string;
}
export interface HttpCheck extends BaseCheck {
  kind: 'http';
  url: string;
  status: number;
  bodyContains?: string;
  bodyRegex?: string;
}
export interface CommandCheck extends BaseCheck {
  kind: 'command';
  transport: 'ssh' | 'ssm';
  /** A command line for the remote shell (no ${{ }} substitution), or an argv (substituted, quoted). */
  command?: string;
  argv?: string[];
  host?: string;
  port: string;
  user?: string;
  instanceId?: string;
  exitCode: number;
  stdoutContains?: string;
  stdoutRegex?: string;
}
export type Check = TcpCheck | HttpCheck | CommandCheck;

export class SpecError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'SpecError';
  }
}

/** Every problem of a spec, each once, in line order: a user fixes them all in one go. */
export class SpecErrors extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'SpecErrors';
  }
}

function throwAll(errors: SpecError[]): void {
  const seen = new Set<string>();
  const once = errors
    .filter((e) => !seen.has(e.message) && seen.add(e.message))
    .sort((a, b) => a.line - b.line);
  if (once.length) throw new SpecErrors(once);
}

const KNOWN: Record<CheckKind, string[]> = {
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

/** The longest a check may wait: a day. */
const MAX_WITHIN_MS = 24 * 3_600_000;

/**
 * "90s", "2m", "1m30s", "500ms", or a number of seconds: more than zero and at most a day (`.inf`,
 * `0` and negative numbers are not durations).
 */
export function parseDuration(v: unknown): number | undefined {
  const ms = durationMs(v);
  return ms !== undefined && ms > 0 && ms <= MAX_WITHIN_MS ? ms : undefined;
}

function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v * 1000 : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
    consumed += m[0];
  }
  return consumed === s && consumed ? total : undefined;
}

export function parseSpec(text: string, file: string): Check[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf: LineOf = (node, fallback = 1) =>
    node && 'range' in node && node.range ? lc.linePos(node.range[0]).line : fallback;
  throwAll(
    doc.errors.map(
      (e) => new SpecError(file, lc.linePos(e.pos[0]).line, `not valid YAML: ${e.message.split('\n')[0]}`),
    ),
  );
  const root = doc.contents;
  if (!isMap(root))
    throw new SpecErrors([new SpecError(file, 1, 'the spec must be a mapping with a "checks" list')]);
  const defaultsNode = root.get('defaults', true) as YamlNode | undefined;
  const defaults = isMap(defaultsNode) ? (defaultsNode.toJSON() as Record<string, unknown>) : {};
  const checksNode = root.get('checks', true) as YamlNode | undefined;
  if (!isSeq(checksNode) || checksNode.items.length === 0) {
    throw new SpecErrors([
      new SpecError(file, lineOf(checksNode ?? root), '"checks" must be a non-empty list'),
    ]);
  }
  const names = new Set<string>();
  const errors: SpecError[] = [];
  const checks: Check[] = [];
  // each check on its own: the first problem of every check is reported, not only the first check's
  for (const item of checksNode.items as YamlNode[]) {
    const line = lineOf(item);
    try {
      if (!isMap(item)) throw new SpecError(file, line, 'each check must be a mapping (name, kind, ...)');
      checks.push(parseCheck(new CheckFields(file, item as YAMLMap, line, lineOf), defaults, names));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      errors.push(e);
    }
  }
  throwAll(errors);
  return checks;
}

type LineOf = (node: YamlNode | null | undefined, fallback?: number) => number;

/**
 * A whole number as YAML or text writes it (`3`, `"3"`), else undefined: never `true`, `[]`, `'0x2'`
 * or `3.5`, which Number() would turn into numbers.
 */
function wholeOf(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isInteger(x) ? x : undefined;
  return typeof x === 'string' ? parseWholeNumber(x) : undefined;
}

/** One check's fields, read and checked with errors at their own line. */
class CheckFields {
  readonly v: Record<string, unknown>;
  kind = '' as CheckKind;
  name = '';
  constructor(
    readonly file: string,
    readonly map: YAMLMap,
    readonly line: number,
    readonly lineOf: LineOf,
  ) {
    this.v = map.toJSON() as Record<string, unknown>;
  }
  at(key: string): number {
    return this.lineOf(this.map.get(key, true) as YamlNode | undefined, this.line);
  }
  fail(problem: string, key?: string): never {
    throw new SpecError(this.file, key ? this.at(key) : this.line, problem);
  }
  str(key: string): string | undefined {
    const x = this.v[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x === 'object')
      this.fail(`"${key}" must be a single value, not a ${Array.isArray(x) ? 'list' : 'mapping'}`, key);
    return String(x);
  }
  need(key: string): string {
    const s = this.str(key);
    if (s === undefined || s === '') this.fail(`${this.kind} check "${this.name}" is missing "${key}"`);
    return s;
  }
  host(key: string, required: boolean): string | undefined {
    const h = required ? this.need(key) : this.str(key);
    if (h !== undefined && !OUTPUT_REF_ONLY.test(h.trim()) && !/^[A-Za-z0-9.:[\]_-]+$/.test(withRefs(h)))
      this.fail(`"${key}" must be a host name or IP address (or a \${{ outputs.x }} reference)`, key);
    return h;
  }
  url(key: string): string {
    const u = this.need(key);
    let ok = false;
    try {
      const standIn = withRefs(u.replace(PORT_REF, ':80'));
      ok = /^https?:$/.test(new URL(standIn).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      this.fail(
        `"${key}" must be an http:// or https:// URL (outputs as \${{ outputs.x }}), not "${u}"`,
        key,
      );
    return u;
  }
  port(key: string, dflt?: string): string {
    const p = this.str(key) ?? dflt;
    if (p === undefined) this.fail(`${this.kind} check "${this.name}" is missing "${key}"`);
    const n = parseWholeNumber(p);
    if (!/^\$\{\{.*\}\}$/.test(p.trim()) && !(n !== undefined && n >= 1 && n <= 65535))
      this.fail(`"${key}" must be a port from 1 to 65535 (or a \${{ outputs.x }} reference)`, key);
    return p;
  }
  regex(key: string): string | undefined {
    const r = this.str(key);
    if (r === undefined) return undefined;
    try {
      new RegExp(r);
    } catch (e) {
      this.fail(`"${key}" is not a valid regular expression: ${(e as Error).message}`, key);
    }
    return r;
  }
}

function parseCheck(f: CheckFields, defaults: Record<string, unknown>, names: Set<string>): Check {
  const { v, line } = f;
  const kind = v.kind as CheckKind;
  if (!kind) f.fail('check has no "kind" (tcp, http or command)');
  // own keys only: `constructor`, `__proto__` or `hasOwnProperty` are no kinds
  if (typeof kind !== 'string' || !Object.hasOwn(KNOWN, kind))
    f.fail(`unknown kind ${JSON.stringify(kind)?.slice(0, 40)}: use tcp, http or command`, 'kind');
  for (const key of Object.keys(v)) {
    if (!COMMON.includes(key) && !KNOWN[kind].includes(key)) {
      const pair = f.map.items.find((p) => (p.key as { value?: unknown })?.value === key);
      throw new SpecError(
        f.file,
        f.lineOf(pair?.key as YamlNode, line),
        `"${key}" is not a field of a ${kind} check (fields: ${KNOWN[kind].join(', ')})`,
      );
    }
  }
  f.kind = kind;
  f.name = String(v.name ?? `${kind} check at line ${line}`);
  if (names.has(f.name)) f.fail(`two checks are named "${f.name}"`, 'name');
  names.add(f.name);
  const retries = wholeOf(v.retries ?? defaults.retries ?? 3);
  if (retries === undefined || retries < 0 || retries > 1000)
    f.fail('"retries" must be a whole number from 0 to 1000', 'retries');
  const withinMs = parseDuration(v.within ?? defaults.within ?? '60s');
  if (withinMs === undefined)
    f.fail(`"within" must be a duration such as 30s, 2m or 1m30s (more than 0, at most 24h)`, 'within');
  const base = { name: f.name, line, retries, withinMs };
  if (kind === 'tcp') return { ...base, kind, host: f.host('host', true)!, port: f.port('port') };
  if (kind === 'http') {
    const status = wholeOf(v.status ?? 200);
    if (status === undefined || status < 100 || status > 599)
      f.fail('"status" must be an HTTP status code (a whole number from 100 to 599)', 'status');
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

function commandCheck(
  f: CheckFields,
  base: { name: string; line: number; retries: number; withinMs: number },
): CommandCheck {
  const { v, name } = f;
  const transport = (f.str('transport') ?? 'ssh') as 'ssh' | 'ssm';
  if (transport !== 'ssh' && transport !== 'ssm') f.fail('"transport" must be ssh or ssm', 'transport');
  const command = f.str('command');
  const argv = Array.isArray(v.argv) ? v.argv.map(String) : undefined;
  if (!command && !argv?.length)
    f.fail(`command check "${name}" needs "command" (a command line) or "argv" (a list)`);
  if (command && /\$\{\{/.test(command))
    f.fail(
      'outputs are not substituted into a "command" line (that would be shell injection): use "argv" to pass them as arguments',
      'command',
    );
  const exitCode = wholeOf(v['exit-code'] ?? 0);
  if (exitCode === undefined || exitCode < 0 || exitCode > 255)
    f.fail('"exit-code" must be a whole number from 0 to 255', 'exit-code');
  const check: CommandCheck = {
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
const REF = String.raw`\$\{\{\s*outputs\.[\w-]+(?:\[\d+\])?\s*\}\}`;
const OUTPUT_REF = new RegExp(REF, 'g');
const OUTPUT_REF_ONLY = new RegExp(`^${REF}$`);
/** a reference after "host:" stands for a port */
const PORT_REF = new RegExp(`:${REF}`, 'g');
/** The text with each output reference replaced by a stand-in host, to check its form before apply. */
function withRefs(s: string): string {
  return s.replace(OUTPUT_REF, 'output.example');
}

/** Replace `${{ outputs.name }}` (and `${{ outputs.list[0] }}`) with Terraform output values. */
export function substitute(s: string, outputs: Record<string, unknown>): string {
  return s.replace(/\$\{\{\s*outputs\.([\w-]+)(?:\[(\d+)\])?\s*\}\}/g, (_, name: string, idx?: string) => {
    if (!(name in outputs)) throw new Error(`no Terraform output named "${name}"`);
    let v = outputs[name];
    if (idx !== undefined) {
      if (!Array.isArray(v)) throw new Error(`output "${name}" is not a list`);
      v = v[Number(idx)];
    }
    if (v === undefined || v === null || typeof v === 'object')
      throw new Error(`output "${name}" is not a single value`);
    return String(v);
  });
}
