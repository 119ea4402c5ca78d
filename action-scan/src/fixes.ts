/**
 * Suggested fixes (issue 12): the remediation ComplianceAsCode ships for each failing rule, with its
 * variables resolved from the profile's values, as `oscap xccdf generate fix` writes it from the
 * results; and a ready hardening script of the fixes for controls the hardening code does not
 * implement, each under its `# CIS x.y.z` marker, so adding it to the build closes the loop.
 * `parseFixScript` and `suggestScript` are pure; `generateFixes` runs oscap.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { shortRuleId } from '../../shared/src/cis-map.js';
import { exec } from '../../shared/src/exec.js';
import type { Finding } from './findings.js';

/** `# BEGIN fix (i / n) for 'RULE'` … `# END fix for 'RULE'` sections → rule id → shell body. */
export function parseFixScript(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let rule: string | undefined;
  let body: string[] = [];
  for (const line of text.split('\n')) {
    const begin = /^# BEGIN fix \(\d+ \/ \d+\) for '([^']+)'/.exec(line);
    if (begin) {
      rule = begin[1];
      body = [];
      continue;
    }
    if (rule && line.startsWith(`# END fix for '${rule}'`)) {
      const text = body.join('\n').trim();
      // oscap writes a placeholder for rules the content has no bash fix for
      if (text && !/FIX FOR THIS RULE .* IS MISSING!/.test(text)) out.set(rule, text);
      rule = undefined;
      continue;
    }
    if (!rule) continue;
    if (/^#{10,}$/.test(line) || /^\(>&2 echo "Remediating rule /.test(line)) continue;
    body.push(line);
  }
  return out;
}

/**
 * The remediations of the failing rules of an ARF result file, from oscap itself (it resolves the
 * profile's values); an empty map, with the reason, when oscap cannot (not installed, not an ARF).
 */
export async function generateFixes(
  file: string,
  signal?: AbortSignal,
  tailoringFile?: string,
): Promise<{ fixes: Map<string, string>; note?: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-fix-'));
  try {
    let input = file;
    if (file.endsWith('.gz')) {
      input = path.join(tmp, 'results.xml');
      fs.writeFileSync(input, zlib.gunzipSync(fs.readFileSync(file)));
    }
    let r: Awaited<ReturnType<typeof exec>>;
    try {
      r = await exec(
        'oscap',
        [
          'xccdf',
          'generate',
          'fix',
          '--fix-type',
          'bash',
          ...(tailoringFile ? ['--tailoring-file', tailoringFile] : []),
          '--result-id',
          '',
          input,
        ],
        {
          signal,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    } catch (e) {
      return { fixes: new Map(), note: `no suggested fixes: oscap could not run (${(e as Error).message})` };
    }
    if (r.code !== 0)
      return {
        fixes: new Map(),
        note: `no suggested fixes: oscap xccdf generate fix said ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`}`,
      };
    return { fixes: parseFixScript(r.stdout) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Put each failing OpenSCAP finding's remediation on it (`finding.fix`); returns how many got one. */
export function attachFixes(findings: Finding[], fixes: Map<string, string>): number {
  let n = 0;
  for (const f of findings) {
    if (f.engine !== 'openscap' || f.status !== 'fail') continue;
    const fix = fixes.get(f.ruleId);
    if (fix) {
      f.fix = fix;
      n++;
    }
  }
  return n;
}

/** The order of the suggested script: by CIS id (numerically), then rule id. Fixes are tried in it too. */
export function benchmarkOrder(a: Finding, b: Finding): number {
  const key = (f: Finding) =>
    (f.cisIds[0] ?? '999')
      .split('.')
      .map((n) => n.padStart(4, '0'))
      .join('.');
  return key(a).localeCompare(key(b)) || a.ruleId.localeCompare(b.ruleId);
}

/**
 * A hardening script of the fixes for failing controls the hardening code does not implement: each
 * remediation under its marker (`# CIS x.y.z title`, else `# rule <id>`), in benchmark order, once per
 * rule. Returns undefined when there is nothing to suggest.
 */
export function suggestScript(
  findings: readonly Finding[],
  implemented: (f: Finding) => boolean,
  header: { content: string; profile?: string },
): { text: string; rules: string[]; notVerified: number } | undefined {
  const candidates = findings.filter((f) => f.status === 'fail' && !f.waiver && f.fix && !implemented(f));
  // never suggest what was not tried: only fixes verified in a copy of the image go in
  const picked = candidates.filter((f) => f.fixVerdict?.verified);
  const refused = candidates.filter((f) => !f.fixVerdict?.verified);
  if (!picked.length) return undefined;
  const sorted = [...picked].sort(benchmarkOrder);
  const seen = new Set<string>();
  const sections: string[] = [];
  for (const f of sorted) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const marker = f.cisIds[0]
      ? `# CIS ${f.cisIds[0]} ${f.title}`
      : `# rule ${shortRuleId(f.ruleId)} ${f.title}`;
    sections.push(`${marker}\n# (${shortRuleId(f.ruleId)}; ${f.fixVerdict!.said})\n${f.fix}\n`);
  }
  const left = [...new Map(refused.map((f) => [f.ruleId, f])).values()].map(
    (f) =>
      `#   ${f.cisIds[0] ? `CIS ${f.cisIds[0]} ` : ''}${shortRuleId(f.ruleId)}: ${f.fixVerdict?.said ?? 'not tried'}`,
  );
  const text = [
    '#!/usr/bin/env bash',
    `# Suggested by ami-bakery scan: the remediations ${header.content} ships for the failing controls`,
    `# that no hardening script implements${header.profile ? ` (profile ${header.profile})` : ''}, each one tried first in a copy`,
    '# of the scanned image: the control passed, a key login (and sudo) still worked. Review each one, then',
    '# add this file to the build: each section is under its marker, so the next scan places the control here.',
    '',
    ...sections,
    ...(left.length ? [`# Not here, because they were not verified (${left.length}):`, ...left, ''] : []),
  ].join('\n');
  return { text, rules: [...seen], notVerified: left.length };
}
