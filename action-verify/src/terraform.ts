/** Terraform through argv only: init, apply, output -json, state list, destroy. */
import { type ExecResult, exec } from '../../shared/src/exec.js';
import type { Io } from '../../shared/src/io.js';

export interface TerraformRun {
  bin: string;
  dir: string;
  /** -var/-var-file arguments, the same for apply and destroy. */
  varArgs: string[];
}

const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };

export async function terraform(
  io: Io,
  tf: TerraformRun,
  args: string[],
  opts: { signal?: AbortSignal; timeoutMs?: number; quiet?: boolean } = {},
): Promise<ExecResult> {
  const argv = [`-chdir=${tf.dir}`, ...args];
  if (!opts.quiet) io.info(`$ terraform ${argv.join(' ')}`);
  return exec(tf.bin, argv, {
    env: { ...process.env, ...ENV },
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    // Terraform stops gracefully on SIGTERM (saves state, releases the lock); give it time.
    killGraceMs: 120_000,
    onStdoutLine: opts.quiet ? undefined : (l) => io.info(l),
    onStderrLine: opts.quiet ? undefined : (l) => io.info(l),
    maxBuffer: 4 * 1024 * 1024,
  });
}

export function lastLines(r: ExecResult, n = 12): string {
  return `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
    .filter(
      (l) =>
        l.trim() &&
        !/Unable to open CLI configuration file|CLI configuration file at|There are some problems with the CLI configuration|^[│╷╵\s]*$/.test(
          l,
        ),
    )
    .slice(-n)
    .join('\n');
}

export async function stateList(io: Io, tf: TerraformRun): Promise<string[]> {
  const r = await terraform(io, tf, ['state', 'list'], { quiet: true, timeoutMs: 60_000 });
  return r.code === 0
    ? r.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
}

/** `terraform output -json` → name → value. */
export async function outputs(io: Io, tf: TerraformRun): Promise<Record<string, unknown>> {
  const r = await terraform(io, tf, ['output', '-json', '-no-color'], { quiet: true, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`terraform output failed:\n${lastLines(r)}`);
  const doc = JSON.parse(r.stdout || '{}') as Record<string, { value: unknown; sensitive?: boolean }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v.value;
    if (v.sensitive && typeof v.value === 'string') io.setSecret(v.value);
  }
  return out;
}

/** Destroy, and say where the state is when it fails — never silently. */
export async function destroy(io: Io, tf: TerraformRun): Promise<void> {
  const r = await io.group('terraform destroy', () =>
    terraform(io, tf, ['destroy', '-auto-approve', '-input=false', '-no-color', ...tf.varArgs], {
      timeoutMs: 30 * 60_000,
    }),
  );
  if (r.code !== 0) {
    const left = await stateList(io, tf);
    throw new Error(
      `terraform destroy failed (exit ${r.code}); the state is in ${tf.dir} (terraform.tfstate, or the configured backend)` +
        `${left.length ? ` and still holds: ${left.join(', ')}` : ''}. Destroy it with: terraform -chdir=${tf.dir} destroy\n${lastLines(r)}`,
    );
  }
}
