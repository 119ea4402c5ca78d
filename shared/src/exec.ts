/**
 * Process execution with argv arrays only (never a shell string), streaming output line by line,
 * with timeout and signal forwarding so a cancelled run lets the child clean up.
 */
import { spawn } from 'node:child_process';

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
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
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
    try {
      child = spawn(file, [...args], {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      reject(new ExecError(`could not start ${file}: ${(e as Error).message}`));
      return;
    }
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
      clearTimeout(timer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      const hint = e.code === 'ENOENT' ? ` (is ${file} installed and on PATH?)` : '';
      reject(new ExecError(`could not run ${file}: ${e.message}${hint}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({ code, signal, stdout, stderr, timedOut, aborted });
    });
  });
}

/** Quote one argument for a POSIX shell (used only where a remote shell is unavoidable: SSH exec). */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
