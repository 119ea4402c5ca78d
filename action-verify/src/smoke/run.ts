/**
 * Running smoke checks: each is tried up to `retries + 1` times within its `within` budget, with a
 * short backoff, and reports what it expected and what it saw last.
 */
import * as net from 'node:net';
import type { Io } from '../../../shared/src/io.js';
import { type Check, type CommandCheck, substitute } from './spec.js';

export interface CheckResult {
  check: Check;
  passed: boolean;
  attempts: number;
  message: string;
  ms: number;
}

export interface RemoteRunner {
  /** Run a command line on an instance through SSM AWS-RunShellScript. */
  ssm?: (
    instanceId: string,
    command: string,
    timeoutMs: number,
  ) => Promise<{ code: number; stdout: string; stderr: string }>;
  sshKey?: string;
  sshKnownHosts?: string;
}

class Fatal extends Error {}

function tcp(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.end();
      resolve(`${host}:${port} accepts connections`);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${host}:${port}: ${e.message}`));
    });
  });
}

async function http(url: string, c: Extract<Check, { kind: 'http' }>, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  const body = (await res.text()).slice(0, 1024 * 1024);
  if (res.status !== c.status) throw new Error(`expected HTTP ${c.status} from ${url}, got ${res.status}`);
  if (c.bodyContains !== undefined && !body.includes(c.bodyContains)) {
    throw new Error(
      `expected the body of ${url} to contain "${c.bodyContains}"; it starts: ${JSON.stringify(body.slice(0, 200))}`,
    );
  }
  if (c.bodyRegex !== undefined && !new RegExp(c.bodyRegex, 'm').test(body)) {
    throw new Error(
      `expected the body of ${url} to match /${c.bodyRegex}/; it starts: ${JSON.stringify(body.slice(0, 200))}`,
    );
  }
  return `${url} answered ${res.status}`;
}

async function command(
  c: CommandCheck,
  outputs: Record<string, unknown>,
  remote: RemoteRunner,
  io: Io,
  timeoutMs: number,
): Promise<string> {
  const argv = c.argv?.map((a) => substitute(a, outputs));
  let r: { code: number; stdout: string; stderr: string };
  const shown = c.command ?? argv?.join(' ') ?? '';
  if (c.transport === 'ssm') {
    if (!remote.ssm) throw new Fatal('ssm transport needs AWS credentials and a region');
    const line = c.command ?? (await import('../../../shared/src/exec.js')).shellJoin(argv ?? []);
    r = await remote.ssm(substitute(c.instanceId!, outputs), line, timeoutMs);
  } else {
    if (!remote.sshKey) throw new Fatal('command checks over ssh need the ssh-key input');
    const target = {
      user: substitute(c.user!, outputs),
      host: substitute(c.host!, outputs),
      port: Number(substitute(c.port, outputs)),
    };
    const { Ssh } = await import('../../../shared/src/ssh.js');
    const conn = await Ssh.connect(
      target,
      { privateKey: remote.sshKey, knownHosts: remote.sshKnownHosts ?? '', readyTimeoutMs: timeoutMs },
      io,
    );
    try {
      r =
        c.command !== undefined
          ? await conn.runShell(c.command, timeoutMs)
          : await conn.run(argv ?? [], timeoutMs);
    } finally {
      conn.close();
    }
  }
  const out = r.stdout.trim();
  if (r.code !== c.exitCode)
    throw new Error(
      `expected \`${shown}\` to exit ${c.exitCode}, it exited ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().slice(-300)}` : ''}`,
    );
  if (c.stdoutContains !== undefined && !out.includes(c.stdoutContains)) {
    throw new Error(
      `expected the output of \`${shown}\` to contain "${c.stdoutContains}"; got ${JSON.stringify(out.slice(0, 300))}`,
    );
  }
  if (c.stdoutRegex !== undefined && !new RegExp(c.stdoutRegex, 'm').test(out)) {
    throw new Error(
      `expected the output of \`${shown}\` to match /${c.stdoutRegex}/; got ${JSON.stringify(out.slice(0, 300))}`,
    );
  }
  return `\`${shown}\` exited ${r.code}`;
}

async function once(
  c: Check,
  outputs: Record<string, unknown>,
  remote: RemoteRunner,
  io: Io,
  timeoutMs: number,
): Promise<string> {
  let host: string;
  let url: string;
  try {
    if (c.kind === 'tcp') host = substitute(c.host, outputs);
    if (c.kind === 'http') url = substitute(c.url, outputs);
  } catch (e) {
    throw new Fatal((e as Error).message);
  }
  if (c.kind === 'tcp') return tcp(host!, Number(substitute(c.port, outputs)), timeoutMs);
  if (c.kind === 'http') return http(url!, c, timeoutMs);
  try {
    return await command(c, outputs, remote, io, timeoutMs);
  } catch (e) {
    if (/no Terraform output named|is not a list|is not a single value/.test((e as Error).message))
      throw new Fatal((e as Error).message);
    throw e;
  }
}

export async function runCheck(
  c: Check,
  outputs: Record<string, unknown>,
  remote: RemoteRunner,
  io: Io,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const t0 = Date.now();
  const deadline = t0 + c.withinMs;
  let attempts = 0;
  let last = '';
  while (attempts <= c.retries) {
    if (signal?.aborted) {
      last = 'cancelled';
      break;
    }
    attempts++;
    const remaining = Math.max(250, deadline - Date.now());
    try {
      const msg = await once(c, outputs, remote, io, Math.min(remaining, 30_000));
      return { check: c, passed: true, attempts, message: msg, ms: Date.now() - t0 };
    } catch (e) {
      last = (e as Error).message;
      if (e instanceof Fatal) break;
      io.debug(`check "${c.name}" attempt ${attempts}: ${last}`);
    }
    const wait = Math.min(500 * 2 ** (attempts - 1), 5000, deadline - Date.now());
    if (wait <= 0 || attempts > c.retries) break;
    await new Promise((r) => setTimeout(r, wait));
  }
  return { check: c, passed: false, attempts, message: last, ms: Date.now() - t0 };
}
