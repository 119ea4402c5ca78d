/** Delivery to GitHub: what the summary says, the changed lines of a pull request, suggested changes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { messageOf } from '../../shared/src/errors.js';
import { eventPayload } from '../../shared/src/github-env.js';
import type { Io } from '../../shared/src/io.js';
import { codeSpan, escapeMarkdown } from '../../shared/src/markdown.js';
import type { Analysis } from './analyse.js';
import type { ScanConfig } from './config.js';
import type { Finding, ResultSet } from './findings.js';
import { ratchetLine } from './ratchet.js';
import type { CheckRunTarget, DeliveryResult } from './report/checks.js';
import { keyOf } from './report/report.js';
import { postSuggestions, reviewTargetFromEnv } from './report/review.js';
import { planSuggestions } from './report/suggestions.js';
import { buildSummary } from './report/summary.js';
import { vulnerabilityLines } from './report/vulns.js';
import { type WaiverOutcome, waivedText } from './waivers.js';

/** What the summary says of the annotations: exactly what reached the reader. */
export function deliveryNote(d: DeliveryResult, total: number, checkName: string): string {
  if (d.method === 'checks') {
    if (d.shown === total)
      return `All ${total} annotation(s) were published on the check run "${checkName}".`;
    return `${d.shown} of ${total} annotation(s) were published on the check run "${checkName}"; ${d.notShown} were not (${d.reason ?? 'no file to place them on'}). All are in the table below and the SARIF file.`;
  }
  return `Annotations: ${d.shown} of ${total} shown as workflow annotations, ${d.notShown} not shown (${d.reason}); all are in the table below and the SARIF file.`;
}

/** The summary's account of the waivers: applied, problems, no longer needed. */
function waiverLines(o: WaiverOutcome): string[] {
  const lines: string[] = [];
  if (o.waived.length)
    lines.push(
      `**Waived** (${o.waived.length}, counted neither passed nor failed in the score):`,
      ...o.waived.map(
        ({ finding, waiver }) =>
          `- ${escapeMarkdown(`${finding.cisIds[0] ? `CIS ${finding.cisIds[0]}` : finding.ruleId} ${finding.title}: ${waivedText(waiver)}`)} (${codeSpan(`${waiver.file}:${waiver.line}`)})`,
      ),
    );
  for (const p of o.problems)
    lines.push(
      `${p.level === 'error' ? '❌' : '⚠️'} Waiver ${escapeMarkdown(p.waiver.id)} (${codeSpan(`${p.waiver.file}:${p.waiver.line}`)}) ${p.problem}${p.level === 'error' ? ': not applied, the gate fails' : ''}.`,
    );
  const unneeded = [...new Set(o.unneeded.map((u) => u.waiver))];
  for (const w of unneeded)
    lines.push(
      `Waiver ${escapeMarkdown(w.id)} (${codeSpan(`${w.file}:${w.line}`)}): no longer needed, the control passes.`,
    );
  return lines;
}

/** The pull request's number, from the event file (pull_request events). */
function pullNumberOf(env: NodeJS.ProcessEnv): number | undefined {
  const n = eventPayload(env)?.pull_request?.number;
  return typeof n === 'number' ? n : undefined;
}

/** suggest: one-line fixes on lines the pull request changed, as suggested changes in one review. */
export async function deliverSuggestions(
  io: Io,
  cfg: ScanConfig,
  a: Analysis,
  checkTarget: CheckRunTarget | undefined,
  changedLines: () => Promise<Map<string, Set<number>>>,
): Promise<{ posted: number; note: string }> {
  return io.group('Suggested changes', async () => {
    const pr = pullNumberOf(io.env);
    const target = reviewTargetFromEnv(checkTarget, pr);
    const say = (posted: number, note: string) => {
      io.info(note);
      io.setOutput('suggestions', posted);
      return { posted, note };
    };
    if (!target)
      return say(
        0,
        pr
          ? 'suggest: no GitHub token or repository in the environment; no suggested changes posted.'
          : 'suggest: this run is not for a pull request; no suggested changes posted.',
      );
    let changed = new Map<string, Set<number>>();
    try {
      changed = await changedLines();
    } catch (e) {
      io.info(`suggest: cannot read the pull request's diff (${messageOf(e)}).`);
    }
    const planned = planSuggestions(a.annotations, annotatedFiles(a, cfg.root), changed);
    if (!planned.length)
      return say(
        0,
        'suggest: no failing control on a line this pull request changed has a one-line fix; no suggested changes posted.',
      );
    const r = await postSuggestions(io, target, planned);
    const already = r.existing ? ` (${r.existing} already there from an earlier run)` : '';
    return say(
      r.posted,
      r.reason && r.posted + r.existing < planned.length
        ? `Suggested changes: ${r.posted} of ${planned.length} posted on pull request #${target.pullNumber}${already}; not posted: ${r.reason}.`
        : `Suggested changes: ${r.posted} posted on pull request #${target.pullNumber}${already}: ${planned.map((p) => `${p.control} at \`${p.file}:${p.line}\``).join(', ')}.`,
    );
  });
}

/** The job summary (and, cut to `limit`, the check run's): verdict, score, failures, trend, notes. */
export function scanSummary(
  a: Analysis,
  sets: ResultSet[],
  chart: string | undefined,
  delivery?: string,
  limit?: number,
): string {
  const { gate } = a;
  const native = sets.map((s) => s.nativeScore).filter((n) => n !== undefined);
  return buildSummary(
    {
      title: `ami-bakery scan: ${a.label}`,
      profile: a.merged.profile,
      target: a.report.target,
      score: a.score,
      weightedScore: a.weightedScore,
      counts: a.counts,
      gate: { verdict: gate.verdict, reasons: gate.verdict === 'failed' ? gate.reasons : gate.checked },
      annotations: a.annotations,
      diff: a.diff,
      ...(a.report.packages
        ? {
            packages: {
              installed: a.report.packages.length,
              ...(a.report.packageDiff ? { diff: a.report.packageDiff } : {}),
            },
          }
        : {}),
      ...(a.report.vulnerabilities
        ? {
            vulnerabilities: vulnerabilityLines(a.report.vulnerabilities),
            vulnerabilityGate: a.report.vulnerabilities.gate.verdict,
          }
        : {}),
      ...(a.cisRead ? {} : { noControls: true }),
      delivery,
      extra: [
        `**${escapeMarkdown(ratchetLine(a.ratchet))}**`,
        ...(chart ? [chart] : []),
        ...a.numberingSaid.problems.map((p) => `**Not compared:** ${escapeMarkdown(p)}`),
        ...a.numberingSaid.notes.map((n) => `Benchmarks: ${escapeMarkdown(n)}`),
        ...waiverLines(a.waiverOutcome),
        ...native.map(
          (n) => `${escapeMarkdown(n.name)}: **${n.value}** (the engine's own score, next to ours).`,
        ),
        ...sets.flatMap((s) => s.notes ?? []).map((n) => `${escapeMarkdown(n)} (not counted).`),
      ],
    },
    limit,
  );
}

/** The text of every repository file an annotation is on (a file the checkout lacks is left out). */
function annotatedFiles(a: Analysis, root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of new Set(a.annotations.map((x) => x.file).filter((x): x is string => !!x))) {
    try {
      files.set(f, fs.readFileSync(path.join(root, f), 'utf8'));
    } catch {
      // a file the scan names but the checkout lacks: nothing to suggest on it
    }
  }
  return files;
}

/**
 * Never suggest what was not tried: the fixes this run would offer (the suggest-file's, and the
 * suggested changes on the pull request's lines) are tried in a copy of the image first; each
 * finding and annotation then carries its verdict, and only a verified fix is offered anywhere.
 */
export async function tryOfferedFixes(
  io: Io,
  cfg: ScanConfig,
  a: Analysis,
  tryFixes: (findings: Finding[]) => Promise<void>,
  changedLines: () => Promise<Map<string, Set<number>>>,
): Promise<void> {
  const byKey = new Map(a.merged.findings.map((f) => [keyOf(f), f]));
  const ask = new Set<Finding>();
  const edits: Array<{ file: string; ruleId: string; probe: Finding }> = [];
  if (cfg.suggestFile) {
    const implemented = new Set(a.annotations.filter((x) => x.implemented).map(keyOf));
    for (const f of a.merged.findings)
      if (f.status === 'fail' && !f.waiver && f.fix && !implemented.has(keyOf(f))) ask.add(f);
  }
  if (cfg.suggest && pullNumberOf(io.env) !== undefined) {
    let changed = new Map<string, Set<number>>();
    try {
      changed = await changedLines();
    } catch {
      // said when the suggestions are delivered
    }
    // what would be suggested if its fix held: those are the ones to try
    const held = { verified: true, said: '' };
    const wouldBe = planSuggestions(
      a.annotations.map((x) => ({ ...x, fixVerdict: held, editVerdict: held })),
      annotatedFiles(a, cfg.root),
      changed,
    );
    for (const s of wouldBe) {
      const f = byKey.get(`openscap:${s.ruleId}`);
      // a value edit is tried as itself: the whole edited file, run in a copy of the image
      if (f && s.kind === 'edit')
        edits.push({
          file: s.file,
          ruleId: s.ruleId,
          probe: { ...f, fix: s.editedFile, fixVerdict: undefined },
        });
      else if (f) ask.add(f);
    }
  }
  await tryFixes([...ask, ...edits.map((e) => e.probe)]);
  for (const x of a.annotations) {
    const f = byKey.get(keyOf(x));
    if (f?.fixVerdict) x.fixVerdict = f.fixVerdict;
    const e = edits.find((y) => y.file === x.file && y.ruleId === x.ruleId);
    if (e?.probe.fixVerdict) x.editVerdict = e.probe.fixVerdict;
  }
}
