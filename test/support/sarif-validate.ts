/**
 * Microsoft's SARIF validator with GitHub's ingestion rules (npm @microsoft/sarif-multitool-linux, a
 * self-contained binary inside the package): the problems it finds are the results of its output.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tmpDir } from '../helpers.js';

const TOOL = path.join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');

/** The validator's findings for a SARIF file: [] when code scanning would take it. */
export function sarifProblems(file: string): string[] {
  fs.chmodSync(TOOL, 0o755);
  const out = path.join(tmpDir('sarif-validate-'), 'out.sarif');
  execFileSync(TOOL, ['validate', '--rule-kind', 'Gh;Sarif', '-o', out, file], {
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    stdio: 'pipe',
  });
  const log = JSON.parse(fs.readFileSync(out, 'utf8').replace(/^\uFEFF/, ''));
  return (log.runs?.[0]?.results ?? []).map(
    (r: { ruleId: string; message: { text?: string; arguments?: string[] } }) =>
      `${r.ruleId}: ${r.message.text ?? (r.message.arguments ?? []).join(' ')}`,
  );
}
