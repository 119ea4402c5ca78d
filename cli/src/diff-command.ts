/**
 * `ami-bakery diff <older report> <newer report>` (issue 26): what changed between two images of a
 * family, from their scans' JSON reports (report-file, or the scan-<family> artifact): the score,
 * the controls newly failing and newly fixed, and the packages added, removed, upgraded and
 * downgraded. Both reports are validated as foreign JSON before any field is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareReports, type ScanReport, validateReport } from '../../action-scan/src/report/report.js';
import { packageLines } from '../../action-scan/src/report/summary.js';
import { packageDiff } from '../../action-scan/src/sbom/diff.js';
import { InputError } from '../../shared/src/errors.js';
import { neutraliseCommands } from '../../shared/src/io.js';
import { repoPath, repoRoot, statOf } from '../../shared/src/workspace.js';

const MAX_REPORT_BYTES = 256 * 1024 * 1024;

function readReport(given: string, which: string, root: string, cwd: string): ScanReport {
  const rel = repoPath(root, given, which, cwd);
  const abs = path.join(root, rel);
  const st = statOf(abs);
  if (!st?.isFile()) throw new InputError(which, `names "${rel}", which is not a file in the repository.`);
  if (st.size > MAX_REPORT_BYTES) throw new InputError(which, `"${rel}" is over 256 MB: not a scan report.`);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(abs, 'utf8'));
  } catch {
    throw new InputError(which, `"${rel}" is not JSON.`, 'give the JSON report of a scan (its report-file).');
  }
  try {
    return validateReport(doc, rel);
  } catch (e) {
    throw new InputError(which, (e as Error).message);
  }
}

const control = (f: { cisIds: string[]; title: string; ruleId: string }) =>
  `${f.cisIds.length ? `CIS ${f.cisIds.join(', ')} ` : ''}${f.title || f.ruleId}`;

/** The lines `ami-bakery diff` prints. Pure. */
export function diffLines(older: ScanReport, newer: ScanReport, names: [string, string]): string[] {
  const label = (r: ScanReport, n: string) => (r.amiId ? `${r.amiId} (${n})` : n);
  const out = [`From ${label(older, names[0])} to ${label(newer, names[1])}`, ''];
  if ((older.profile ?? '') !== (newer.profile ?? '') || (older.family ?? '') !== (newer.family ?? ''))
    out.push(
      `Not the same family and profile (${older.family ?? '-'}/${older.profile ?? '-'} → ${newer.family ?? '-'}/${newer.profile ?? '-'}): the controls are compared by rule id, the scores are not comparable.`,
      '',
    );
  const d = compareReports(newer, older);
  out.push(`Score: ${older.score}% → ${newer.score}% (${d.scoreDelta >= 0 ? '+' : ''}${d.scoreDelta})`);
  out.push(`Controls: ${d.newFailures.length} newly failing, ${d.fixed.length} newly fixed`);
  for (const f of d.newFailures) out.push(`  failing: ${control(f)}`);
  for (const f of d.fixed) out.push(`  fixed:   ${control(f)}`);
  out.push('');
  if (older.packages?.length && newer.packages?.length)
    out.push(
      ...packageLines({
        installed: newer.packages.length,
        diff: {
          ...(older.amiId ? { since: older.amiId } : {}),
          ...packageDiff(older.packages, newer.packages),
        },
      }),
    );
  else
    out.push(
      `Packages: not compared (${older.packages?.length ? 'the newer' : 'the older'} report lists none: scan the image with target chroot, local or ssh).`,
    );
  return out;
}

export function runDiff(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): number {
  if (argv.length !== 2 || argv.some((a) => a.startsWith('--')))
    throw new InputError(
      'diff',
      'takes two JSON reports: the older, then the newer.',
      'ami-bakery diff golden.json next.json',
    );
  const root = repoRoot(env, cwd);
  const older = readReport(argv[0], 'older report', root, cwd);
  const newer = readReport(argv[1], 'newer report', root, cwd);
  for (const l of diffLines(older, newer, [argv[0], argv[1]]))
    process.stdout.write(`${neutraliseCommands(l)}\n`);
  return 0;
}
