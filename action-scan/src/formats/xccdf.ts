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

export async function parseXccdfFile(file: string): Promise<XccdfParseResult> {
  const res: XccdfParseResult = { kind: 'xccdf', rules: new Map(), testResults: [], oval: new Map() };
  const parser = new SaxesParser({ xmlns: false, position: true });

  const stack: string[] = [];
  let rootSeen = false;
  // current contexts
  let rule: RuleInfo | undefined;
  let ruleDepth = -1;
  let tr: TestResultData | undefined;
  let rr: RuleResult | undefined;
  let report: string | undefined; // ARF report id
  let reportDepth = -1;
  let inOvalResults = false;
  let ovalResultsDepth = -1;
  let inResultsSection = false; // oval_results > results
  let def: { id: string; leaves: Array<{ test?: string; def?: string }>; failing: boolean } | undefined;
  let test: { id: string; data: OvalTestResult } | undefined;
  let ovalTestDef: { id: string; info: OvalTestInfo } | undefined;
  let ovalObj: { id: string; parts: string[] } | undefined;
  let ovalObjDepth = -1;
  let item: { id: string; parts: string[] } | undefined;
  let itemDepth = -1;

  // text capture
  let capture: ((text: string) => void) | undefined;
  let captureDepth = -1;
  let text = '';

  const oval = (): OvalReport => {
    const key = report ?? '';
    let r = res.oval.get(key);
    if (!r) {
      r = newOvalReport();
      res.oval.set(key, r);
    }
    return r;
  };

  const startCapture = (fn: (t: string) => void) => {
    capture = fn;
    captureDepth = stack.length;
    text = '';
  };

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = local(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    stack.push(name);
    const depth = stack.length;
    if (!rootSeen) {
      rootSeen = true;
      if (name === 'asset-report-collection') res.kind = 'arf';
      else if (name === 'data-stream-collection') res.kind = 'datastream';
    }
    if (capture) return; // nested markup inside captured text (e.g. html in a title)

    switch (name) {
      case 'Benchmark':
        res.benchmarkId ??= attrs.id;
        return;
      case 'report':
        if (attrs.id !== undefined && depth <= 4) {
          report = attrs.id;
          reportDepth = depth;
        }
        return;
      case 'oval_results':
        inOvalResults = true;
        ovalResultsDepth = depth;
        return;
      case 'Rule':
        rule = { id: attrs.id, title: '', severity: attrs.severity, cisIds: [] };
        ruleDepth = depth;
        return;
      case 'TestResult':
        tr = { id: attrs.id, values: new Map(), ruleResults: [] };
        return;
      case 'rule-result':
        if (tr)
          rr = {
            idref: attrs.idref,
            severity: attrs.severity,
            result: '',
            checkRefs: [],
            exports: [],
            messages: [],
          };
        return;
    }

    if (rule && depth === ruleDepth + 1) {
      if (name === 'title') {
        const r = rule;
        startCapture((t) => {
          r.title = short(t, 300);
        });
      } else if (name === 'reference' && CIS_BENCHMARK_HREF.test(attrs.href ?? '')) {
        const r = rule;
        startCapture((t) => {
          for (const id of t.split(/[,\s]+/))
            if (/^\d+(\.\d+)*$/.test(id) && !r.cisIds.includes(id)) r.cisIds.push(id);
        });
      } else if (name === 'reference') {
        const other = OTHER_REF_HREFS.find((o) => o.href.test(attrs.href ?? ''));
        const r = rule;
        if (other)
          startCapture((t) => {
            for (const id of t.split(/[,\s]+/)) {
              if (!other.id.test(id)) continue;
              r.refs ??= [];
              if (!r.refs.some((x) => x.scheme === other.scheme && x.id === id))
                r.refs.push({ scheme: other.scheme, id });
            }
          });
      }
      return;
    }

    if (rr) {
      if (name === 'result')
        startCapture((t) => {
          if (rr) rr.result = t.trim();
        });
      else if (name === 'check-content-ref')
        rr.checkRefs.push({ name: attrs.name ?? '', href: attrs.href ?? '' });
      else if (name === 'check-export' && attrs['value-id']) rr.exports.push(attrs['value-id']);
      else if (name === 'message') startCapture((t) => rr?.messages.push(short(t, 500)));
      return;
    }

    if (tr) {
      if (name === 'profile') tr.profile = attrs.idref;
      else if (name === 'benchmark') tr.benchmark = attrs.id ?? attrs.href;
      else if (name === 'target')
        startCapture((t) => {
          if (tr) tr.target = short(t);
        });
      else if (name === 'set-value' && attrs.idref) {
        const id = attrs.idref;
        startCapture((t) => tr?.values.set(id, short(t, 200)));
      }
      return;
    }

    if (!inOvalResults || report === undefined) return;
    const o = oval();

    if (!inResultsSection) {
      if (name === 'results') {
        inResultsSection = true;
        return;
      }
      // oval_definitions inside the results: tests and objects
      if (name.endsWith('_test') && attrs.id) {
        ovalTestDef = { id: attrs.id, info: { comment: attrs.comment } };
        o.tests.set(attrs.id, ovalTestDef.info);
      } else if (ovalTestDef && name === 'object' && attrs.object_ref) {
        ovalTestDef.info.objectRef = attrs.object_ref;
      } else if (name.endsWith('_object') && attrs.id && !ovalObj) {
        ovalObj = { id: attrs.id, parts: [] };
        ovalObjDepth = depth;
      } else if (ovalObj && depth === ovalObjDepth + 1 && !attrs.var_ref) {
        const field = name;
        const parts = ovalObj.parts;
        startCapture((t) => {
          if (t.trim() && parts.length < 4) parts.push(`${field} ${short(t, 120)}`);
        });
      }
      return;
    }

    // oval_results > results > system
    if (name === 'definition' && attrs.definition_id) {
      def = { id: attrs.definition_id, leaves: [], failing: FAILING.has(attrs.result ?? '') };
    } else if (def && name === 'criterion' && FAILING.has(attrs.result ?? '')) {
      def.leaves.push({ test: attrs.test_ref });
    } else if (def && name === 'extend_definition' && FAILING.has(attrs.result ?? '')) {
      def.leaves.push({ def: attrs.definition_ref });
    } else if (name === 'test' && attrs.test_id) {
      if (FAILING.has(attrs.result ?? '')) {
        test = { id: attrs.test_id, data: { result: attrs.result, items: [], variables: [] } };
      }
    } else if (test && name === 'tested_item' && attrs.item_id) {
      if (test.data.items.length < MAX_ITEMS_PER_TEST) {
        test.data.items.push(attrs.item_id);
        o.wantedItems.add(attrs.item_id);
      }
    } else if (test && name === 'tested_variable' && attrs.variable_id) {
      const data = test.data;
      const id = attrs.variable_id;
      startCapture((t) => {
        if (data.variables.length < 6) data.variables.push({ id, value: short(t, 120) });
      });
    } else if (name.endsWith('_item') && attrs.id && o.wantedItems.has(attrs.id) && !item) {
      item = { id: attrs.id, parts: [] };
      itemDepth = depth;
    } else if (item && depth === itemDepth + 1) {
      const field = name;
      const parts = item.parts;
      startCapture((t) => {
        if (t.trim()) parts.push(`${field}\u0000${t}`);
      });
    }
  });

  parser.on('text', (t: string) => {
    if (capture && text.length < MAX_TEXT) text += t.length > MAX_TEXT ? t.slice(0, MAX_TEXT) : t;
  });
  parser.on('cdata', (t: string) => {
    if (capture && text.length < MAX_TEXT) text += t.slice(0, MAX_TEXT);
  });

  parser.on('closetag', () => {
    const depth = stack.length;
    const name = stack.pop() ?? '';
    if (capture && depth === captureDepth) {
      capture(text);
      capture = undefined;
      captureDepth = -1;
      text = '';
    }
    if (capture) return;
    if (rule && depth === ruleDepth && name === 'Rule') {
      res.rules.set(rule.id, rule);
      rule = undefined;
      ruleDepth = -1;
    } else if (name === 'rule-result' && rr && tr) {
      tr.ruleResults.push(rr);
      rr = undefined;
    } else if (name === 'TestResult' && tr) {
      res.testResults.push(tr);
      tr = undefined;
    } else if (name === 'report' && depth === reportDepth) {
      report = undefined;
      reportDepth = -1;
    } else if (name === 'oval_results' && depth === ovalResultsDepth) {
      inOvalResults = false;
      inResultsSection = false;
    } else if (inOvalResults) {
      const o = oval();
      if (ovalTestDef && name.endsWith('_test')) ovalTestDef = undefined;
      else if (ovalObj && depth === ovalObjDepth) {
        o.objects.set(ovalObj.id, ovalObj.parts.filter((p) => !p.startsWith('filter ')).join(', '));
        const mode = ovalObj.parts.map((p) => /^filter .*_mode_(\d{4})(or_stricter)?/.exec(p)).find(Boolean);
        if (mode) o.objectHints.set(ovalObj.id, `mode ${mode[1]}${mode[2] ? ' or stricter' : ''}`);
        ovalObj = undefined;
      } else if (def && name === 'definition') {
        if (def.failing) o.definitions.set(def.id, def.leaves);
        def = undefined;
      } else if (test && name === 'test') {
        o.testResults.set(test.id, test.data);
        test = undefined;
      } else if (item && depth === itemDepth) {
        o.items.set(item.id, summariseItem(item.parts));
        item = undefined;
      }
    }
  });

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
  if (!rootSeen) throw new XmlParseError(file, 'the file has no XML root element');
  return res;
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

/**
 * Turn a parsed XCCDF/ARF into findings. `extraRules` (from a datastream) fill in titles and CIS
 * references that a bare result file lacks. The last TestResult in the file is used.
 */
export function xccdfToResultSet(
  res: XccdfParseResult,
  source: string,
  extraRules?: Map<string, RuleInfo>,
): ResultSet {
  const tr = res.testResults[res.testResults.length - 1];
  if (!tr) return { engine: 'openscap', source, findings: [] };
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
  };
}
