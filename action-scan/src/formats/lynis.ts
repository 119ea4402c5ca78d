/**
 * Lynis `lynis-report.dat` (key=value lines). Each executed test is a finding: failed when Lynis
 * raised a warning (severity high) or a suggestion (severity low) for it, passed otherwise.
 * Lynis carries no CIS IDs; its test ids (e.g. SSH-7408) are kept as rule ids. Entries are
 * `TESTID|message|details|solution|`; every message of a test is kept, and the solution is its fix.
 * Test id `LYNIS` ("this release is old") is a notice about Lynis itself, not a control: it is
 * reported beside the results, never counted. Lynis's own score is `hardening_index=`.
 */
import type { Finding, ResultSet } from '../findings.js';

export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

export function parseLynisReport(text: string, source: string): ResultSet {
  const executed: string[] = [];
  const issues = new Map<string, { severity: 'high' | 'low'; messages: string[]; fixes: string[] }>();
  const notes: string[] = [];
  let sawKey = false;
  let hostname: string | undefined;
  let hardeningIndex: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    sawKey = true;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'tests_executed') executed.push(...value.split('|').filter(Boolean));
    else if (key === 'hostname') hostname = value;
    else if (key === 'hardening_index' && /^\d+$/.test(value)) hardeningIndex = Number(value);
    else if (key === 'warning[]' || key === 'suggestion[]') {
      const [id, message, details, solution] = value.split('|');
      if (!id) continue;
      if (id === 'LYNIS') {
        notes.push(`Lynis: ${message}`);
        continue;
      }
      const entry = issues.get(id) ?? { severity: 'low', messages: [], fixes: [] };
      if (key === 'warning[]') entry.severity = 'high';
      const text = [message, details && details !== '-' ? `(${details})` : ''].filter(Boolean).join(' ');
      if (!entry.messages.includes(text)) entry.messages.push(text);
      if (solution && solution !== '-' && !entry.fixes.includes(solution)) entry.fixes.push(solution);
      issues.set(id, entry);
    }
  }
  if (!sawKey) throw new FormatError(`${source}: no key=value lines; not a lynis-report.dat`);
  const ids = new Set([...executed.filter((id) => id !== 'LYNIS'), ...issues.keys()]);
  const findings: Finding[] = [...ids].map((id) => {
    const issue = issues.get(id);
    return {
      engine: 'lynis',
      ruleId: id,
      title: issue
        ? `${issue.messages[0]}${issue.messages.length > 1 ? ` (+${issue.messages.length - 1} more)` : ''}`
        : `Lynis test ${id}`,
      severity: issue ? issue.severity : 'info',
      status: issue ? 'fail' : 'pass',
      cisIds: [],
      ...(issue
        ? {
            expected: `no Lynis ${issue.severity === 'high' ? 'warning' : 'suggestion'} for ${id}`,
            found: issue.messages.join('; '),
            ...(issue.fixes.length ? { fix: issue.fixes.join('\n') } : {}),
          }
        : {}),
    };
  });
  return {
    engine: 'lynis',
    source,
    target: hostname,
    findings,
    ...(hardeningIndex !== undefined
      ? { nativeScore: { name: 'Lynis hardening index', value: hardeningIndex } }
      : {}),
    ...(notes.length ? { notes } : {}),
  };
}
