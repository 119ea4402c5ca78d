/**
 * Streaming parser for OpenSCAP output: XCCDF 1.2 result files (`oscap xccdf eval --results`),
 * ARF (`--results-arf`, which also carries the benchmark and the OVAL results), and SCAP source
 * data streams (for rule titles and CIS references when a result file lacks the benchmark).
 *
 * Memory is bounded: rule metadata is kept (small), OVAL system characteristics are kept only for
 * items that failing tests point at, each truncated. Real ARF files reach 50–100 MB.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { shortRuleId } from '../../../shared/src/cis-map.js';
import { type Finding, normaliseSeverity, type ResultSet, xccdfStatus } from '../findings.js';
import { contentNumbering } from '../numbering.js';
import { openStream } from './stream.js';

export interface RuleInfo {
  id: string;
  title: string;
  severity?: string;
  cisIds: string[];
  refs?: Array<{ scheme: 'anssi' | 'stig'; id: string }>;
}

interface RuleResult {
  idref: string;
  severity?: string;
  result: string;
  checkRefs: Array<{ name: string; href: string }>;
  exports: string[];
  messages: string[];
}

interface TestResultData {
  id: string;
  profile?: string;
  target?: string;
  benchmark?: string;
  values: Map<string, string>;
  ruleResults: RuleResult[];
}

interface OvalTestInfo {
  comment?: string;
  objectRef?: string;
}
interface OvalTestResult {
  result: string;
  items: string[];
  variables: Array<{ id: string; value: string }>;
}
interface OvalReport {
  tests: Map<string, OvalTestInfo>;
  objects: Map<string, string>;
  /** what an object's filter implies is expected, e.g. "mode 0640 or stricter". */
  objectHints: Map<string, string>;
  /** definition id → failing leaves (criterion tests / extended definitions). */
  definitions: Map<string, Array<{ test?: string; def?: string }>>;
  testResults: Map<string, OvalTestResult>;
  items: Map<string, string>;
  wantedItems: Set<string>;
}

export interface XccdfParseResult {
  kind: 'arf' | 'xccdf' | 'datastream';
  /** The id of the (first) XCCDF Benchmark in the file: it names the product, e.g. ..._benchmark_UBUNTU_22-04. */
  benchmarkId?: string;
  /** The (first) Benchmark's version: the content release, e.g. 0.1.65. */
  benchmarkVersion?: string;
  /** Profile id → its title and description (which name the benchmark the profile follows). */
  profiles: Map<string, { title: string; description: string }>;
  rules: Map<string, RuleInfo>;
  testResults: TestResultData[];
  oval: Map<string, OvalReport>;
}

export class XmlParseError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file} is not well-formed XML: ${detail}`);
    this.name = 'XmlParseError';
  }
}

const CIS_BENCHMARK_HREF = /cisecurity\.org\/benchmark/i;
/** Other benchmarks whose control ids markers may name (CCI and SRG references are not controls of a benchmark). */
const OTHER_REF_HREFS: Array<{ scheme: 'anssi' | 'stig'; href: RegExp; id: RegExp }> = [
  { scheme: 'anssi', href: /ssi\.gouv\.fr/i, id: /^[A-Z]{1,4}\d*\(R\d+\)$/ },
  { scheme: 'stig', href: /cyber\.mil\/stigs\/downloads/i, id: /^[A-Z]{2,8}-\d{2}-\d{6}$/ },
];
const MAX_TEXT = 4000;
const MAX_ITEMS_PER_TEST = 3;
const FAILING = new Set(['false', 'error', 'unknown']);

function local(name: string): string {
  const i = name.indexOf(':');
  return i >= 0 ? name.slice(i + 1) : name;
}

function short(s: string, n = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

function newOvalReport(): OvalReport {
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
  readonly res: XccdfParseResult = {
    kind: 'xccdf',
    profiles: new Map(),
    rules: new Map(),
    testResults: [],
    oval: new Map(),
  };
  rootSeen = false;
  private stack: string[] = [];
  // current contexts
  private rule: RuleInfo | undefined;
  private ruleDepth = -1;
  private benchmarkDepth = -1;
  private profile: { id: string; title: string; description: string; depth: number } | undefined;
  private tr: TestResultData | undefined;
  private rr: RuleResult | undefined;
  private report: string | undefined; // ARF report id
  private reportDepth = -1;
  private inOvalResults = false;
  private ovalResultsDepth = -1;
  private inResultsSection = false; // oval_results > results
  private def: { id: string; leaves: Array<{ test?: string; def?: string }>; failing: boolean } | undefined;
  private test: { id: string; data: OvalTestResult } | undefined;
  private ovalTestDef: { id: string; info: OvalTestInfo } | undefined;
  private ovalObj: { id: string; parts: string[] } | undefined;
  private ovalObjDepth = -1;
  private item: { id: string; parts: string[] } | undefined;
  private itemDepth = -1;
  // text capture
  private capture: ((text: string) => void) | undefined;
  private captureDepth = -1;
  private captured = '';

  private oval(): OvalReport {
    const key = this.report ?? '';
    let r = this.res.oval.get(key);
    if (!r) {
      r = newOvalReport();
      this.res.oval.set(key, r);
    }
    return r;
  }

  private startCapture(fn: (t: string) => void): void {
    this.capture = fn;
    this.captureDepth = this.stack.length;
    this.captured = '';
  }

  text(t: string): void {
    if (this.capture && this.captured.length < MAX_TEXT)
      this.captured += t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
  }

  open(tag: SaxesTagPlain): void {
    const name = local(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    this.stack.push(name);
    const depth = this.stack.length;
    if (!this.rootSeen) {
      this.rootSeen = true;
      if (name === 'asset-report-collection') this.res.kind = 'arf';
      else if (name === 'data-stream-collection') this.res.kind = 'datastream';
    }
    if (this.capture) return; // nested markup inside captured text (e.g. html in a title)
    if (this.openContext(name, attrs, depth)) return;
    if (this.openInBenchmark(name, depth)) return;
    if (this.rule && depth === this.ruleDepth + 1) this.openInRule(this.rule, name, attrs);
    else if (this.rr) this.openInRuleResult(this.rr, name, attrs);
    else if (this.tr) this.openInTestResult(this.tr, name, attrs);
    else if (this.inOvalResults && this.report !== undefined) {
      if (!this.inResultsSection) this.openInOvalDefinitions(name, attrs, depth);
      else this.openInOvalSystem(name, attrs, depth);
    }
  }

  /** The elements that start a context; true when `name` was one. */
  private openContext(name: string, attrs: Record<string, string>, depth: number): boolean {
    switch (name) {
      case 'Benchmark':
        if (this.res.benchmarkId === undefined) this.benchmarkDepth = depth;
        this.res.benchmarkId ??= attrs.id;
        return true;
      case 'Profile':
        if (depth === this.benchmarkDepth + 1)
          this.profile = { id: attrs.id, title: '', description: '', depth };
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

  /** The first Benchmark's version and its profiles' titles and descriptions. */
  private openInBenchmark(name: string, depth: number): boolean {
    if (depth === this.benchmarkDepth + 1 && name === 'version' && this.res.benchmarkVersion === undefined) {
      this.startCapture((t) => {
        this.res.benchmarkVersion = short(t, 40);
      });
      return true;
    }
    const p = this.profile;
    if (p && depth === p.depth + 1 && (name === 'title' || name === 'description')) {
      this.startCapture((t) => {
        p[name] = short(t, 1000);
      });
      return true;
    }
    return false;
  }

  private openInRule(r: RuleInfo, name: string, attrs: Record<string, string>): void {
    if (name === 'title') {
      this.startCapture((t) => {
        r.title = short(t, 300);
      });
    } else if (name === 'reference' && CIS_BENCHMARK_HREF.test(attrs.href ?? '')) {
      this.startCapture((t) => {
        for (const id of t.split(/[,\s]+/))
          if (/^\d+(\.\d+)*$/.test(id) && !r.cisIds.includes(id)) r.cisIds.push(id);
      });
    } else if (name === 'reference') {
      const other = OTHER_REF_HREFS.find((o) => o.href.test(attrs.href ?? ''));
      if (other)
        this.startCapture((t) => {
          for (const id of t.split(/[,\s]+/)) {
            if (!other.id.test(id)) continue;
            r.refs ??= [];
            if (!r.refs.some((x) => x.scheme === other.scheme && x.id === id))
              r.refs.push({ scheme: other.scheme, id });
          }
        });
    }
  }

  private openInRuleResult(rr: RuleResult, name: string, attrs: Record<string, string>): void {
    if (name === 'result')
      this.startCapture((t) => {
        rr.result = t.trim();
      });
    else if (name === 'check-content-ref')
      rr.checkRefs.push({ name: attrs.name ?? '', href: attrs.href ?? '' });
    else if (name === 'check-export' && attrs['value-id']) rr.exports.push(attrs['value-id']);
    else if (name === 'message') this.startCapture((t) => rr.messages.push(short(t, 500)));
  }

  private openInTestResult(tr: TestResultData, name: string, attrs: Record<string, string>): void {
    if (name === 'profile') tr.profile = attrs.idref;
    else if (name === 'benchmark') tr.benchmark = attrs.id ?? attrs.href;
    else if (name === 'target')
      this.startCapture((t) => {
        tr.target = short(t);
      });
    else if (name === 'set-value' && attrs.idref) {
      const id = attrs.idref;
      this.startCapture((t) => tr.values.set(id, short(t, 200)));
    }
  }

  /** oval_definitions inside the results: tests and objects. */
  private openInOvalDefinitions(name: string, attrs: Record<string, string>, depth: number): void {
    const o = this.oval();
    if (name === 'results') {
      this.inResultsSection = true;
    } else if (name.endsWith('_test') && attrs.id) {
      this.ovalTestDef = { id: attrs.id, info: { comment: attrs.comment } };
      o.tests.set(attrs.id, this.ovalTestDef.info);
    } else if (this.ovalTestDef && name === 'object' && attrs.object_ref) {
      this.ovalTestDef.info.objectRef = attrs.object_ref;
    } else if (name.endsWith('_object') && attrs.id && !this.ovalObj) {
      this.ovalObj = { id: attrs.id, parts: [] };
      this.ovalObjDepth = depth;
    } else if (this.ovalObj && depth === this.ovalObjDepth + 1 && !attrs.var_ref) {
      const parts = this.ovalObj.parts;
      this.startCapture((t) => {
        if (t.trim() && parts.length < 4) parts.push(`${name} ${short(t, 120)}`);
      });
    }
  }

  /** oval_results > results > system: failing definitions, tests, and the items they looked at. */
  private openInOvalSystem(name: string, attrs: Record<string, string>, depth: number): void {
    const o = this.oval();
    const { def, test, item } = this;
    if (name === 'definition' && attrs.definition_id) {
      this.def = { id: attrs.definition_id, leaves: [], failing: FAILING.has(attrs.result ?? '') };
    } else if (def && name === 'criterion' && FAILING.has(attrs.result ?? '')) {
      def.leaves.push({ test: attrs.test_ref });
    } else if (def && name === 'extend_definition' && FAILING.has(attrs.result ?? '')) {
      def.leaves.push({ def: attrs.definition_ref });
    } else if (name === 'test' && attrs.test_id) {
      if (FAILING.has(attrs.result ?? ''))
        this.test = { id: attrs.test_id, data: { result: attrs.result, items: [], variables: [] } };
    } else if (test && name === 'tested_item' && attrs.item_id) {
      if (test.data.items.length < MAX_ITEMS_PER_TEST) {
        test.data.items.push(attrs.item_id);
        o.wantedItems.add(attrs.item_id);
      }
    } else if (test && name === 'tested_variable' && attrs.variable_id) {
      const data = test.data;
      const id = attrs.variable_id;
      this.startCapture((t) => {
        if (data.variables.length < 6) data.variables.push({ id, value: short(t, 120) });
      });
    } else if (name.endsWith('_item') && attrs.id && o.wantedItems.has(attrs.id) && !item) {
      this.item = { id: attrs.id, parts: [] };
      this.itemDepth = depth;
    } else if (item && depth === this.itemDepth + 1) {
      const parts = item.parts;
      this.startCapture((t) => {
        if (t.trim()) parts.push(`${name}\u0000${t}`);
      });
    }
  }

  close(): void {
    const depth = this.stack.length;
    const name = this.stack.pop() ?? '';
    if (this.capture && depth === this.captureDepth) {
      this.capture(this.captured);
      this.capture = undefined;
      this.captureDepth = -1;
      this.captured = '';
    }
    if (this.capture) return;
    if (this.profile && depth === this.profile.depth && name === 'Profile') {
      const { id, title, description } = this.profile;
      this.res.profiles.set(id, { title, description });
      this.profile = undefined;
    } else if (this.rule && depth === this.ruleDepth && name === 'Rule') {
      this.res.rules.set(this.rule.id, this.rule);
      this.rule = undefined;
      this.ruleDepth = -1;
    } else if (name === 'rule-result' && this.rr && this.tr) {
      this.tr.ruleResults.push(this.rr);
      this.rr = undefined;
    } else if (name === 'TestResult' && this.tr) {
      this.res.testResults.push(this.tr);
      this.tr = undefined;
    } else if (name === 'report' && depth === this.reportDepth) {
      this.report = undefined;
      this.reportDepth = -1;
    } else if (name === 'oval_results' && depth === this.ovalResultsDepth) {
      this.inOvalResults = false;
      this.inResultsSection = false;
    } else if (this.inOvalResults) this.closeInOval(name, depth);
  }

  private closeInOval(name: string, depth: number): void {
    const o = this.oval();
    if (this.ovalTestDef && name.endsWith('_test')) this.ovalTestDef = undefined;
    else if (this.ovalObj && depth === this.ovalObjDepth) {
      const obj = this.ovalObj;
      o.objects.set(obj.id, obj.parts.filter((p) => !p.startsWith('filter ')).join(', '));
      const mode = obj.parts.map((p) => /^filter .*_mode_(\d{4})(or_stricter)?/.exec(p)).find(Boolean);
      if (mode) o.objectHints.set(obj.id, `mode ${mode[1]}${mode[2] ? ' or stricter' : ''}`);
      this.ovalObj = undefined;
    } else if (this.def && name === 'definition') {
      if (this.def.failing) o.definitions.set(this.def.id, this.def.leaves);
      this.def = undefined;
    } else if (this.test && name === 'test') {
      o.testResults.set(this.test.id, this.test.data);
      this.test = undefined;
    } else if (this.item && depth === this.itemDepth) {
      o.items.set(this.item.id, summariseItem(this.item.parts));
      this.item = undefined;
    }
  }
}

export async function parseXccdfFile(file: string): Promise<XccdfParseResult> {
  const reader = new XccdfReader();
  const parser = new SaxesParser({ xmlns: false, position: true });
  parser.on('opentag', (tag: SaxesTagPlain) => reader.open(tag));
  parser.on('text', (t: string) => reader.text(t));
  parser.on('cdata', (t: string) => reader.text(t));
  parser.on('closetag', () => reader.close());
  let parseError: Error | undefined;
  parser.on('error', (e: Error) => {
    parseError ??= e;
  });

  const stream = openStream(file);
  try {
    for await (const chunk of stream) {
      parser.write(typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'));
      if (parseError) break;
    }
    if (!parseError) parser.close();
  } catch (e) {
    parseError ??= e as Error;
  } finally {
    stream.destroy();
  }
  if (parseError) {
    const msg = parseError.message.replace(/^undefined:/, '');
    throw new XmlParseError(
      file,
      /unexpected end|unclosed|incomplete/i.test(msg) ? `${msg} (the file looks truncated)` : msg,
    );
  }
  if (!reader.rootSeen) throw new XmlParseError(file, 'the file has no XML root element');
  return reader.res;
}

/** A compact one-line description of an OVAL system-characteristics item. */
function summariseItem(parts: string[]): string {
  const fields = parts.map((p) => {
    const i = p.indexOf('\u0000');
    return [p.slice(0, i), p.slice(i + 1)] as const;
  });
  const get = (n: string) => fields.find(([k]) => k === n)?.[1];
  const where =
    get('filepath') ?? (get('path') && get('filename') ? `${get('path')}/${get('filename')}` : get('path'));
  const skip = new Set(['filepath', 'path', 'filename', 'pattern', 'instance', 'line']);
  const firstLine = get('text')?.trim().split('\n')[0];
  const main = firstLine && firstLine.length <= 160 ? firstLine : (get('subexpression') ?? firstLine);
  const rest: string[] = [];
  const perms = ['uread', 'uwrite', 'uexec', 'gread', 'gwrite', 'gexec', 'oread', 'owrite', 'oexec'];
  if (perms.every((p) => get(p) !== undefined)) {
    const bits = perms.map((p, i) => (get(p) === 'true' ? 'rwx'[i % 3] : '-')).join('');
    const octal = [0, 3, 6]
      .map((i) => perms.slice(i, i + 3).reduce((n, p, j) => n + (get(p) === 'true' ? 4 >> j : 0), 0))
      .join('');
    rest.push(`mode 0${octal} (${bits})`, `uid ${get('user_id') ?? '?'}`, `gid ${get('group_id') ?? '?'}`);
  } else {
    const noise = new Set([...skip, 'subexpression', 'text', 'a_time', 'c_time', 'm_time', 'size', 'type']);
    rest.push(
      ...fields
        .filter(([k]) => !noise.has(k))
        .slice(0, 6)
        .map(([k, v]) => `${k}=${short(v, 60)}`),
    );
  }
  const out = [where, main !== undefined ? `"${short(main, 120)}"` : undefined, rest.join(' ') || undefined];
  return out.filter(Boolean).join(': ');
}

const VALUE_PREFIX = /^xccdf_[^_]+_value_/;

export { shortRuleId };

/** Expected/found from the OVAL results of a failing rule, when the ARF has them. */
function evidence(
  res: XccdfParseResult,
  tr: TestResultData,
  rr: RuleResult,
  title: string,
): { expected: string; found: string } {
  const expected: string[] = [];
  const found: string[] = [];
  for (const ref of rr.checkRefs) {
    const o = res.oval.get(ref.href.replace(/^#/, ''));
    if (!o) continue;
    const tests: string[] = [];
    const seen = new Set<string>();
    // The definition's own failing tests say what the rule checks; extended definitions are mostly
    // applicability guards ("package X is removed" in an OR branch), so follow them only when the
    // definition has no failing test of its own.
    const walk = (defId: string, depth: number) => {
      if (depth > 6 || seen.has(defId)) return;
      seen.add(defId);
      const leaves = o.definitions.get(defId) ?? [];
      const own = leaves.filter((l) => l.test);
      for (const leaf of own) if (!tests.includes(leaf.test!)) tests.push(leaf.test!);
      if (own.length === 0) for (const leaf of leaves) if (leaf.def) walk(leaf.def, depth + 1);
    };
    walk(ref.name, 0);
    for (const t of tests.slice(0, 3)) {
      const info = o.tests.get(t);
      const tres = o.testResults.get(t);
      const vars = (tres?.variables ?? []).map(
        (v) => `${v.id.replace(/^oval:[^-]+-/, '').replace(/:var:\d+$/, '')} = ${v.value}`,
      );
      const hint = info?.objectRef ? o.objectHints.get(info.objectRef) : undefined;
      const what = `${info?.comment ?? t}${hint ? `: ${hint}` : ''}`;
      expected.push(vars.length ? `${what} (${vars.join(', ')})` : what);
      const items = (tres?.items ?? []).map((id) => o.items.get(id)).filter((x): x is string => Boolean(x));
      if (items.length) found.push(...items);
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
  if (rr.messages.length) found.unshift(...rr.messages);
  if (!found.length) found.push(`result ${rr.result}`);
  return { expected: expected.join('; '), found: found.join('; ') };
}

/** What a data stream adds to a bare result file: rule metadata, profiles, the content release. */
export type DatastreamContent = Pick<XccdfParseResult, 'rules' | 'profiles' | 'benchmarkVersion'>;

/**
 * The text of the CIS profile whose benchmark the content's CIS references number by: the scanned
 * profile when it is a CIS one, else the content's first CIS profile (references are per product).
 */
function cisProfileText(
  profiles: DatastreamContent['profiles'],
  scanned: string | undefined,
): string | undefined {
  const isCis = (p?: { title: string }) => !!p && /\bCIS\b/.test(p.title);
  const own = scanned ? profiles.get(scanned) : undefined;
  const p = isCis(own) ? own : [...profiles.values()].find(isCis);
  return p ? `${p.title} ${p.description}` : undefined;
}

/**
 * Turn a parsed XCCDF/ARF into findings. `content` (from a datastream) fills in titles and CIS
 * references that a bare result file lacks. The last TestResult in the file is used.
 */
export function xccdfToResultSet(
  res: XccdfParseResult,
  source: string,
  content?: DatastreamContent,
): ResultSet {
  const tr = res.testResults[res.testResults.length - 1];
  if (!tr) return { engine: 'openscap', source, findings: [] };
  const extraRules = content?.rules;
  const meta = res.profiles.size ? res : (content ?? res);
  const findings: Finding[] = tr.ruleResults.map((rr) => {
    const info = res.rules.get(rr.idref) ?? extraRules?.get(rr.idref);
    const status = xccdfStatus(rr.result) ?? 'unknown';
    const title = info?.title || shortRuleId(rr.idref);
    const f: Finding = {
      engine: 'openscap',
      ruleId: rr.idref,
      title,
      severity: normaliseSeverity(rr.severity ?? info?.severity),
      status,
      cisIds: info?.cisIds ?? [],
      ...(info?.refs?.length ? { refs: info.refs } : {}),
    };
    if (status === 'fail' || status === 'error') Object.assign(f, evidence(res, tr, rr, title));
    return f;
  });
  return {
    engine: 'openscap',
    profile: tr.profile,
    benchmark: tr.benchmark,
    target: tr.target,
    source,
    findings,
    numbering: contentNumbering(cisProfileText(meta.profiles, tr.profile), meta.benchmarkVersion),
  };
}
