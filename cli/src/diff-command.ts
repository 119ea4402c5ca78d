/**
 * `ami-bakery diff <older> <newer> [--history GLOB]…` (issue 26): what changed between two images of
 * a family, from their scans' JSON reports (report-file, or the scan-<family> artifact): the score,
 * the controls newly failing and newly fixed, the packages added, removed, upgraded and downgraded,
 * and the CVEs new and gone. Each side is a report, or an AMI id: the newest report of that AMI among
 * the `--history` reports. Every report is validated as foreign JSON before any field is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { compareReports, type ScanReport, validateReport } from '../../action-scan/src/report/report.js';
import { packageLines } from '../../action-scan/src/report/summary.js';
import { packageDiff } from '../../action-scan/src/sbom/diff.js';
import { installedText, vulnKey } from '../../action-scan/src/vulns.js';
import { InputError } from '../../shared/src/errors.js';
import { neutraliseCommands } from '../../shared/src/io.js';
import { checkGlobPattern, repoPath, repoRoot, statOf } from '../../shared/src/workspace.js';

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

/** The CVEs of each report, compared by id and package (active, unwaived ones). Pure. */
export function vulnerabilityDiffLines(older: ScanReport, newer: ScanReport): string[] {
  const a = older.vulnerabilities;
  const b = newer.vulnerabilities;
  if (!a || !b)
    return [
      `Vulnerabilities: not compared (${a ? 'the newer' : 'the older'} report has none: scan with vulnerabilities, docs/vulnerabilities.md).`,
    ];
  const open = (v: NonNullable<ScanReport['vulnerabilities']>) =>
    new Map(v.list.filter((x) => x.status === 'active' && !x.waiver).map((x) => [vulnKey(x), x]));
  const before = open(a);
  const after = open(b);
  const added = [...after].filter(([k]) => !before.has(k)).map(([, v]) => v);
  const gone = [...before].filter(([k]) => !after.has(k)).map(([, v]) => v);
  const count = (c: Record<string, number>) => `${c.critical ?? 0} critical, ${c.high ?? 0} high`;
  const row = (v: (typeof added)[number]) => `${v.id} (${v.severity}) in ${installedText(v) || 'the image'}`;
  return [
    `Vulnerabilities: ${count(a.counts)} → ${count(b.counts)}; ${added.length} new, ${gone.length} gone; gate ${a.gate.verdict} → ${b.gate.verdict}`,
    ...added.map((v) => `  new:  ${row(v)}`),
    ...gone.map((v) => `  gone: ${row(v)}`),
  ];
}

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
  const fmt = (r: ScanReport) => r.packageFormat ?? 'deb';
  if (older.packages?.length && newer.packages?.length && fmt(older) !== fmt(newer))
    out.push(`Packages: not compared (a ${fmt(older)} image and a ${fmt(newer)} image).`);
  else if (older.packages?.length && newer.packages?.length)
    out.push(
      ...packageLines({
        installed: newer.packages.length,
        diff: {
          ...(older.amiId ? { since: older.amiId } : {}),
          ...packageDiff(older.packages, newer.packages, fmt(newer)),
        },
      }),
    );
  else
    out.push(
      `Packages: not compared (${older.packages?.length ? 'the newer' : 'the older'} report lists none: scan the image with target chroot, local or ssh).`,
    );
  out.push('', ...vulnerabilityDiffLines(older, newer));
  return out;
}

const AMI = /^ami-[0-9a-f]{8,17}$/;

/** The newest report of an AMI among the history reports (by generatedAt). */
function reportOfAmi(amiId: string, which: string, history: Array<{ file: string; report: ScanReport }>) {
  if (!history.length)
    throw new InputError(
      which,
      `is the AMI id ${amiId}, and no --history reports were given to find its scan in.`,
      'add --history with the reports of the family (files or globs), e.g. --history "reports/*.json".',
    );
  const of = history
    .filter((h) => h.report.amiId === amiId)
    .sort((x, y) => (x.report.generatedAt < y.report.generatedAt ? 1 : -1));
  if (!of.length)
    throw new InputError(
      which,
      `is the AMI id ${amiId}, and none of the ${history.length} --history report(s) is of it.`,
      'give the report of a scan with ami-id set to it (its report-file), or its path.',
    );
  return of[0];
}

/** `diff A B [--history GLOB]…`: the two sides and the history patterns. */
function parseDiffArgs(argv: string[]): { sides: string[]; history: string[] } {
  const sides: string[] = [];
  const history: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--history' && i + 1 < argv.length) history.push(argv[++i]);
    else if (argv[i].startsWith('--'))
      throw new InputError('diff', `does not know ${JSON.stringify(argv[i].slice(0, 40))}.`, DIFF_USAGE);
    else sides.push(argv[i]);
  }
  if (sides.length !== 2)
    throw new InputError(
      'diff',
      'takes two images: the older, then the newer (reports or AMI ids).',
      DIFF_USAGE,
    );
  return { sides, history };
}

const DIFF_USAGE =
  'ami-bakery diff golden.json next.json, or ami-bakery diff ami-0aaa… ami-0bbb… --history "reports/*.json"';

export async function runDiff(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<number> {
  const { sides, history: patterns } = parseDiffArgs(argv);
  const root = repoRoot(env, cwd);
  const history: Array<{ file: string; report: ScanReport }> = [];
  for (const p of patterns) {
    checkGlobPattern('history', p);
    const files = statOf(path.resolve(cwd, p))?.isFile()
      ? [p]
      : (await fg(p, { cwd, onlyFiles: true })).sort();
    if (!files.length) throw new InputError('history', `"${p.slice(0, 200)}" matches no file.`, DIFF_USAGE);
    for (const f of files) history.push({ file: f, report: readReport(f, 'history', root, cwd) });
  }
  const [older, newer] = sides.map((given, i) => {
    const which = i === 0 ? 'older report' : 'newer report';
    return AMI.test(given)
      ? reportOfAmi(given, which, history)
      : { file: given, report: readReport(given, which, root, cwd) };
  });
  for (const l of diffLines(older.report, newer.report, [older.file, newer.file]))
    process.stdout.write(`${neutraliseCommands(l)}\n`);
  return 0;
}
