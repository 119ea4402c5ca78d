/**
 * Process execution with argv arrays only (never a shell string), streaming output line by line,
 * with timeout and signal forwarding so a cancelled run lets the child clean up.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called for each complete stdout/stderr line as it arrives. */
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Kill (SIGTERM, then SIGKILL after `killGraceMs`) after this many ms. */
  timeoutMs?: number;
  killGraceMs?: number;
  /** Abort: forwards SIGTERM to the child and waits for it to exit. */
  signal?: AbortSignal;
  /** Keep at most this many bytes of stdout/stderr in the result (tail kept). */
  maxBuffer?: number;
  /**
   * Run the child in its own process group. Abort/timeout signal the child alone (so it can clean
   * up its own way, e.g. Packer deleting its instance), and once it has exited, whatever it left
   * running in its group (orphaned provisioner processes) gets SIGTERM, then SIGKILL.
   */
  processGroup?: boolean;
  /**
   * Write the child's stdout and stderr to this file (read back as it grows) instead of a pipe: the
   * child then outlives this process intact (a pipe to a dead reader kills it at its next write).
   */
  logFile?: string;
  /** Called with the child's pid once it runs (with processGroup, also its process group id). */
  onSpawn?: (pid: number) => void;
  /** processGroup: reap leftovers always (default), or only when the child was stopped (abort/timeout). */
  reap?: 'always' | 'stopped';
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** processGroup: whether processes were left in the group after the child exited (and were terminated). */
  reaped?: boolean;
}

export class ExecError extends Error {
  constructor(
    message: string,
    readonly result?: ExecResult,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

function lineSplitter(onLine?: (l: string) => void) {
  let rest = '';
  return {
    push(chunk: string) {
      if (!onLine) return;
      rest += chunk;
      let i = rest.indexOf('\n');
      while (i >= 0) {
        onLine(rest.slice(0, i).replace(/\r$/, ''));
        rest = rest.slice(i + 1);
        i = rest.indexOf('\n');
      }
    },
    end() {
      if (onLine && rest) onLine(rest);
      rest = '';
    },
  };
}

export function exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const maxBuffer = opts.maxBuffer ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    let logFd: number | undefined;
    try {
      if (opts.logFile) logFd = fs.openSync(opts.logFile, 'a');
      child = spawn(file, [...args], {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
        detached: opts.processGroup === true,
      });
    } catch (e) {
      reject(new ExecError(`could not start ${file}: ${(e as Error).message}`));
      return;
    } finally {
      if (logFd !== undefined) fs.closeSync(logFd);
    }
    if (child.pid) opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    const out = lineSplitter(opts.onStdoutLine);
    const err = lineSplitter(opts.onStderrLine);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      stdout = (stdout + c).slice(-maxBuffer);
      out.push(c);
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-maxBuffer);
      err.push(c);
    });
    // With a log file: follow it as it grows (stdout and stderr interleaved, as the child wrote them).
    let offset = 0;
    const follow = () => {
      if (!opts.logFile) return;
      let fd: number | undefined;
      try {
        fd = fs.openSync(opts.logFile, 'r');
        const size = fs.fstatSync(fd).size;
        if (size > offset) {
          const buf = Buffer.alloc(size - offset);
          fs.readSync(fd, buf, 0, buf.length, offset);
          offset = size;
          const c = buf.toString('utf8');
          stdout = (stdout + c).slice(-maxBuffer);
          out.push(c);
        }
      } catch {
        // not there yet
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    };
    const follower = opts.logFile ? setInterval(follow, 100) : undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs ?? 30_000);
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          terminate();
        }, opts.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    if (opts.signal) {
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearInterval(follower);
      clearTimeout(timer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const hint = e.code === 'ENOENT' ? ` (is ${file} installed and on PATH?)` : '';
      reject(new ExecError(`could not run ${file}: ${e.message}${hint}`));
    });
    // Leftovers in the group can hold our stdout/stderr open, so 'close' would wait for them:
    // reap on 'exit' (the child itself is gone), then finish on 'close'.
    let reaping: Promise<boolean | undefined> = Promise.resolve(undefined);
    child.on('exit', () => {
      const stopped = aborted || timedOut;
      if (opts.processGroup && child.pid && (opts.reap !== 'stopped' || stopped))
        reaping = reapGroup(child.pid, Math.min(opts.killGraceMs ?? 10_000, 10_000));
    });
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      clearInterval(follower);
      follow();
      out.end();
      err.end();
      const reaped = await reaping;
      resolve({ code, signal, stdout, stderr, timedOut, aborted, reaped });
    });
  });
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM what is left in a process group, wait for it to go, SIGKILL after `graceMs`. */
export async function reapGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!groupAlive(pgid)) return false;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return true;
}

/** Quote one argument for a POSIX shell (used only where a remote shell is unavoidable: SSH exec). */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
