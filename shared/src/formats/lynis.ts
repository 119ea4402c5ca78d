/**
 * Lynis `lynis-report.dat` (key=value lines). Each executed test is a finding: failed when Lynis
 * raised a warning (severity high) or a suggestion (severity low) for it, passed otherwise.
 * Lynis carries no CIS IDs; its test ids (e.g. SSH-7408) are kept as rule ids.
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
  const issues = new Map<string, { severity: 'high' | 'low'; messages: string[] }>();
  let sawKey = false;
  let hostname: string | undefined;
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
    else if (key === 'warning[]' || key === 'suggestion[]') {
      const [id, message, details] = value.split('|');
      if (!id) continue;
      const entry = issues.get(id) ?? { severity: 'low', messages: [] };
      if (key === 'warning[]') entry.severity = 'high';
      entry.messages.push(
        [message, details && details !== '-' ? `(${details})` : ''].filter(Boolean).join(' '),
      );
      issues.set(id, entry);
    }
  }
  if (!sawKey) throw new FormatError(`${source}: no key=value lines; not a lynis-report.dat`);
  const ids = new Set([...executed, ...issues.keys()]);
  const findings: Finding[] = [...ids].map((id) => {
    const issue = issues.get(id);
    return {
      engine: 'lynis',
      ruleId: id,
      title: issue ? issue.messages[0] : `Lynis test ${id}`,
      severity: issue ? issue.severity : 'info',
      status: issue ? 'fail' : 'pass',
      cisIds: [],
      ...(issue
        ? { expected: `no Lynis warning or suggestion for ${id}`, found: issue.messages.join('; ') }
        : {}),
    };
  });
  return { engine: 'lynis', source, target: hostname, findings };
}
