/**
 * Where a failed Packer build broke: the provisioner script that was running, the line the shell
 * reported (`script.sh: line 12: ...` from bash, `script.sh: 12: ...` from dash), and the CIS change
 * nearest above that line. Pure: takes the log lines and the change map.
 */
import type { ChangeMap, CisChange } from '../../shared/src/cis-map.js';

export interface BuildFailure {
  script?: string;
  line?: number;
  cis?: CisChange;
  lastErrors: string[];
}

/** The change in `file` nearest above `line`. */
export function nearestChangeAbove(map: ChangeMap, file: string, line: number): CisChange | undefined {
  return map.changes.filter((c) => c.file === file && c.line <= line).sort((a, b) => b.line - a.line)[0];
}

const STEP =
  /==> [^:]+: (?:Provisioning with shell script|Running local shell script|Provisioning with Powershell script): (\S+)/;
const FAILED =
  /Provisioning step had errors|errored after|Script exited with non-zero exit status|Erroneous exit code/;
const SHELL_ERROR = /((?:\/|\.{0,2}\/?)[\w./-]+\.(?:sh|bash|ps1|py)): (?:line )?(\d+): /;

export function analyseFailure(
  uiLines: Array<{ kind: string; text: string }>,
  map: ChangeMap,
  toRepoPath: (script: string) => string | undefined,
): BuildFailure {
  const cutoff = uiLines.findIndex((l) => FAILED.test(l.text));
  const upTo = cutoff >= 0 ? cutoff : uiLines.length;
  let stepScript: string | undefined;
  let stepIndex = 0;
  for (let i = 0; i < upTo; i++) {
    const m = STEP.exec(uiLines[i].text);
    if (m) {
      stepScript = m[1];
      stepIndex = i;
    }
  }
  const stepLines = uiLines.slice(stepIndex, upTo + 1);
  let script = stepScript ? toRepoPath(stepScript) : undefined;
  let line: number | undefined;
  for (const l of stepLines) {
    const m = SHELL_ERROR.exec(l.text);
    if (!m) continue;
    const named = toRepoPath(m[1]);
    const sameBase = stepScript && m[1].split('/').pop() === stepScript.split('/').pop();
    if (named || sameBase) {
      script = named ?? script;
      line = Number(m[2]);
    }
  }
  const clean = (t: string) =>
    t
      .replace(/^\s*==> [^:]+: /, '')
      .replace(/^\s*--> [^:]+: /, '')
      .trim();
  const stepErrors = stepLines.filter((l) => l.kind === 'error').map((l) => clean(l.text));
  const summary = cutoff >= 0 ? [clean(uiLines[cutoff].text)] : [];
  const lastErrors = [...new Set([...stepErrors, ...summary])].filter(Boolean).slice(-10);
  return {
    script: script ?? stepScript,
    line,
    cis: script && line ? nearestChangeAbove(map, script, line) : undefined,
    lastErrors,
  };
}
