/** Result files → findings, with the format detected from content (never from the file name). */
import * as fs from 'node:fs';
import { InputError } from '../../../shared/src/errors.js';
import type { ResultSet } from '../findings.js';
import { parseInspecJson } from './inspec.js';
import { looksLikeCycloneDx, parseInspectorScanJson } from './inspector-scan.js';
import { looksLikeInspector2, parseInspector2Json } from './inspector2.js';
import { FormatError, parseLynisReport } from './lynis.js';
import { isGzip, readHead } from './stream.js';
import {
  type DatastreamContent,
  parseXccdfFile,
  type RuleInfo,
  XmlParseError,
  xccdfToResultSet,
} from './xccdf.js';

export type Format =
  | 'arf'
  | 'xccdf'
  | 'datastream'
  | 'inspec'
  | 'inspector2'
  | 'inspector-scan'
  | 'lynis'
  | 'unknown';

/** Decide the format from the first bytes of a file. */
export function detectFormat(head: string): Format {
  const h = head.replace(/^\uFEFF/, '').trimStart();
  if (h.startsWith('<')) {
    const m = /<(?!\?|!)([\w.-]+:)?([\w.-]+)/.exec(h);
    const root = m?.[2];
    if (root === 'asset-report-collection') return 'arf';
    if (root === 'Benchmark' || root === 'TestResult') return 'xccdf';
    if (root === 'data-stream-collection') return 'datastream';
    return 'unknown';
  }
  if (h.startsWith('{')) {
    if (looksLikeCycloneDx(h)) return 'inspector-scan';
    if (looksLikeInspector2(h)) return 'inspector2';
    return /"profiles"\s*:|"platform"\s*:|"statistics"\s*:/.test(h) ? 'inspec' : 'unknown';
  }
  if (
    /^(#.*\n)*\s*(report_version|report_datetime_start|lynis_version|os|hostname)=/m.test(h) &&
    /lynis/i.test(h)
  ) {
    return 'lynis';
  }
  return 'unknown';
}

/** Parse one results file; `datastream` supplies rule metadata for bare XCCDF result files. */
export async function parseResultsFile(
  file: string,
  opts: {
    inputName?: string;
    datastreamContent?: () => Promise<DatastreamContent>;
    /** The data stream the results are read with (its Benchmark must be the one the results are for). */
    datastream?: string;
  } = {},
): Promise<ResultSet> {
  const input = opts.inputName ?? 'results';
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new InputError(
      input,
      `"${file}" does not exist.`,
      'give the path of an oscap/Lynis/InSpec result file.',
    );
  }
  if (!st.isFile())
    throw new InputError(input, `"${file}" is not a file.`, 'give a file, or a glob such as out/*.xml.');
  if (st.size === 0)
    throw new InputError(input, `"${file}" is empty.`, 'check that the scan wrote its results.');
  const head = await readHead(file, 4096);
  const format = detectFormat(head);
  try {
    switch (format) {
      case 'arf':
      case 'xccdf': {
        const parsed = await parseXccdfFile(file);
        if (opts.datastream) await checkSameBenchmark(parsed, file, opts.datastream, input);
        let extra: DatastreamContent | undefined;
        const hasResults = parsed.testResults.some((t) => t.ruleResults.length > 0);
        if (parsed.rules.size === 0 && hasResults && opts.datastreamContent)
          extra = await opts.datastreamContent();
        return xccdfToResultSet(parsed, file, extra);
      }
      case 'inspec':
        return parseInspecJson(await readAll(file), file);
      case 'inspector2':
        return parseInspector2Json(await readAll(file), file);
      case 'inspector-scan':
        return parseInspectorScanJson(await readAll(file), file);
      case 'lynis':
        return parseLynisReport(await readAll(file), file);
      case 'datastream':
        throw new InputError(
          input,
          `"${file}" is a SCAP source data stream (the content), not scan results.`,
          'pass it as input "datastream", and give oscap --results/--results-arf output in "results".',
        );
      default:
        throw new InputError(
          input,
          `"${file}" is in an unknown format${isGzip(file) ? ' (gzip-compressed)' : ''}: expected OpenSCAP ARF or XCCDF XML, InSpec/cinc-auditor JSON, Inspector2 CIS scan or findings JSON, Inspector Scan ScanSbom output, or lynis-report.dat.`,
          'give oscap --results-arf output, `inspec exec --reporter json:FILE` output, or /var/log/lynis-report.dat.',
        );
    }
  } catch (e) {
    if (e instanceof XmlParseError || e instanceof FormatError) {
      throw new InputError(
        input,
        e.message,
        'give a complete result file; re-run the scan if it was cut short.',
      );
    }
    throw e;
  }
}

/** The id of the first XCCDF Benchmark in a data stream or benchmark file (it sits near the top). */
export async function readBenchmarkId(file: string): Promise<string | undefined> {
  const head = await readHead(file, 4 * 1024 * 1024);
  return /<(?:[\w.-]+:)?Benchmark\b[^>]*?\sid="([^"]+)"/.exec(head)?.[1];
}

/**
 * Results of one product read with the content of another would carry the wrong CIS ids
 * (Debian 11 results with the Ubuntu 22.04 data stream): refuse when the benchmark ids differ.
 */
async function checkSameBenchmark(
  parsed: Awaited<ReturnType<typeof parseXccdfFile>>,
  file: string,
  datastream: string,
  input: string,
): Promise<void> {
  const tr = parsed.testResults[parsed.testResults.length - 1];
  const ofResults = (tr?.benchmark?.startsWith('xccdf_') ? tr.benchmark : undefined) ?? parsed.benchmarkId;
  const ofContent = await readBenchmarkId(datastream);
  if (ofResults && ofContent && ofResults !== ofContent) {
    throw new InputError(
      input === 'results' ? 'datastream' : input,
      `"${file}" holds results for benchmark ${ofResults}, but the data stream "${datastream}" is benchmark ${ofContent}: its rule titles and CIS ids would be wrong.`,
      `give the data stream the scan used (the one for ${ofResults.replace(/^xccdf_[^_]+_benchmark_/, '')}).`,
    );
  }
}

async function readAll(file: string): Promise<string> {
  const { openStream } = await import('./stream.js');
  const chunks: Buffer[] = [];
  for await (const c of openStream(file)) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** Rule titles and CIS references from a SCAP data stream or XCCDF benchmark file. */
export async function loadDatastreamRules(
  file: string,
  input = 'datastream',
): Promise<Map<string, RuleInfo>> {
  return (await loadDatastreamContent(file, input)).rules;
}

/** A data stream's rules, profiles and release. */
export async function loadDatastreamContent(file: string, input = 'datastream'): Promise<DatastreamContent> {
  try {
    const parsed = await parseXccdfFile(file);
    if (parsed.rules.size === 0) {
      throw new InputError(input, `"${file}" contains no XCCDF rules.`, 'give an ssg-*-ds.xml data stream.');
    }
    return parsed;
  } catch (e) {
    if (e instanceof XmlParseError)
      throw new InputError(input, e.message, 'give a complete ssg-*-ds.xml file.');
    throw e;
  }
}
