/**
 * InSpec / cinc-auditor JSON reporter output (`--reporter json:file`). A control fails when any of
 * its results failed, is skipped (notchecked) when all were skipped, passes otherwise.
 * CIS IDs come from `tags.cis` (string or list; "ubuntu-22.04:5.2.5" style prefixes are dropped).
 */

import { checkSchema } from '../../../shared/src/schema.js';
import schema from '../../data/inspec-results.schema.json' with { type: 'json' };
import type { Finding, ResultSet, Severity, Status } from '../findings.js';
import { FormatError } from './lynis.js';

interface InspecResult {
  status?: string;
  code_desc?: string;
  message?: string;
  skip_message?: string;
}
interface InspecControl {
  id?: string;
  title?: string | null;
  impact?: number;
  tags?: Record<string, unknown>;
  results?: InspecResult[];
}
interface InspecProfile {
  name?: string;
  controls?: InspecControl[];
}

export function impactToSeverity(impact: number | undefined): Severity {
  if (impact === undefined) return 'unknown';
  if (impact >= 0.9) return 'critical';
  if (impact >= 0.7) return 'high';
  if (impact >= 0.4) return 'medium';
  if (impact > 0) return 'low';
  return 'info';
}

export function cisIdsFromTag(tag: unknown): string[] {
  const values = Array.isArray(tag) ? tag : tag === undefined || tag === null ? [] : [tag];
  const ids: string[] = [];
  for (const v of values) {
    for (const part of String(v).split(/[,\s]+/)) {
      const id = part.includes(':') ? part.slice(part.lastIndexOf(':') + 1) : part;
      if (/^\d+(\.\d+)+$/.test(id) && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

export function parseInspecJson(text: string, source: string): ResultSet {
  let doc: { profiles?: InspecProfile[]; platform?: { name?: string; release?: string } };
  try {
    doc = JSON.parse(text);
  } catch {
    // V8's message quotes the file's text: say where it is, not what it holds
    throw new FormatError(`${source} is not valid JSON`);
  }
  try {
    checkSchema(schema, doc, `${source}`);
  } catch (e) {
    throw new FormatError((e as Error).message);
  }
  if (!doc || !Array.isArray(doc.profiles)) {
    throw new FormatError(
      `${source}: JSON without a "profiles" array; not InSpec/cinc-auditor JSON reporter output`,
    );
  }
  const findings: Finding[] = [];
  for (const p of doc.profiles) {
    for (const c of p.controls ?? []) {
      const results = c.results ?? [];
      const failed = results.filter((r) => r.status === 'failed');
      let status: Status;
      if (failed.length) status = 'fail';
      else if (results.length && results.every((r) => r.status === 'skipped')) status = 'notchecked';
      else if (results.some((r) => r.status === 'error')) status = 'error';
      else if (results.length === 0) status = 'notchecked';
      else status = 'pass';
      const f: Finding = {
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
