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
  opts: {
    signal?: AbortSignal;
    timeoutMs?: number;
    quiet?: boolean;
    killGraceMs?: number;
    onSpawn?: (pid: number) => void;
  } = {},
): Promise<ExecResult> {
  const argv = [`-chdir=${tf.dir}`, ...args];
  if (!opts.quiet) io.info(`$ terraform ${argv.join(' ')}`);
  return exec(tf.bin, argv, {
    env: { ...process.env, ...ENV },
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    // Terraform stops gracefully on SIGTERM (saves state, releases the lock); give it time.
    killGraceMs: opts.killGraceMs ?? 120_000,
    // Its own process group: a stopped apply's provisioner children (local-exec) are terminated
    // with it instead of surviving the run.
    processGroup: true,
    reap: 'stopped',
    onSpawn: opts.onSpawn,
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

/** Every leaf of a value (strings, numbers) as text: what must be masked for a sensitive output. */
export function leaves(v: unknown): string[] {
  if (v === null || v === undefined || typeof v === 'boolean') return [];
  if (typeof v === 'string' || typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).flatMap(leaves);
  return [];
}

/**
 * `terraform output -json` → name → value, and the names of the sensitive ones. Every leaf of a
 * sensitive output (in maps and lists too, and as it appears JSON-escaped) is registered as a
 * secret before anything is printed.
 */
export async function outputs(
  io: Io,
  tf: TerraformRun,
): Promise<{ values: Record<string, unknown>; sensitive: Set<string> }> {
  const r = await terraform(io, tf, ['output', '-json', '-no-color'], { quiet: true, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`terraform output failed:\n${lastLines(r)}`);
  const doc = JSON.parse(r.stdout || '{}') as Record<string, { value: unknown; sensitive?: boolean }>;
  const values: Record<string, unknown> = {};
  const sensitive = new Set<string>();
  for (const [k, v] of Object.entries(doc)) {
    values[k] = v.value;
    if (!v.sensitive) continue;
    sensitive.add(k);
    for (const leaf of leaves(v.value)) {
      if (!leaf) continue;
      io.setSecret(leaf);
      const escaped = JSON.stringify(leaf).slice(1, -1);
      if (escaped !== leaf) io.setSecret(escaped);
    }
  }
  return { values, sensitive };
}

/** The lock a failed command reports ("Error acquiring the state lock ... ID: ..."), if any. */
export function lockOf(r: ExecResult): { id: string; who?: string; created?: string } | undefined {
  const text = `${r.stderr}\n${r.stdout}`.replace(/\x1b\[[0-9;]*m/g, '');
  if (!/Error acquiring the state lock/i.test(text)) return undefined;
  const field = (name: string) => new RegExp(`^[\\s│]*${name}:\\s+(.+?)\\s*$`, 'm').exec(text)?.[1];
  const id = field('ID');
  return id ? { id, who: field('Who'), created: field('Created') } : undefined;
}

/**
 * Destroy, and say where the state is when it fails — never silently. `ownLock` decides whether a
 * state lock that blocks the destroy was left by this job's own run (killed mid-apply): then it is
 * released with `terraform force-unlock` and the destroy runs again.
 */
export async function destroy(
  io: Io,
  tf: TerraformRun,
  ownLock?: (lock: { id: string; who?: string; created?: string }) => boolean,
): Promise<void> {
  const run = () =>
    io.group('terraform destroy', () =>
      terraform(io, tf, ['destroy', '-auto-approve', '-input=false', '-no-color', ...tf.varArgs], {
        timeoutMs: 30 * 60_000,
      }),
    );
  let r = await run();
  const lock = r.code !== 0 ? lockOf(r) : undefined;
  if (lock && ownLock?.(lock)) {
    io.info(
      `The state is locked by this job's earlier run (lock ${lock.id}, ${lock.who ?? '?'}): releasing it.`,
    );
    const u = await terraform(io, tf, ['force-unlock', '-force', lock.id], { timeoutMs: 60_000 });
    if (u.code !== 0) throw new Error(`terraform force-unlock ${lock.id} failed:\n${lastLines(u)}`);
    r = await run();
  } else if (lock) {
    io.warning(
      `The state is locked (lock ${lock.id} by ${lock.who ?? 'someone'}, ${lock.created ?? ''}), not by this job's run: not forcing it.`,
    );
  }
  if (r.code !== 0) {
    const left = await stateList(io, tf);
    throw new Error(
      `terraform destroy failed (exit ${r.code}); the state is in ${tf.dir} (terraform.tfstate, or the configured backend)` +
        `${left.length ? ` and still holds: ${left.join(', ')}` : ''}. Destroy it with: terraform -chdir=${tf.dir} destroy\n${lastLines(r)}`,
    );
  }
}
