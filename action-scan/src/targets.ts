/**
 * Where the scan runs: `results` (parse given files), `local` (oscap here), `chroot:<dir>`
 * (oscap-chroot), `ssh://user@host[:port]` (content copied over SFTP, oscap run remotely, ARF
 * brought back; ssh2, with every remote command built from an argv array and quoted).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentError, InputError } from '../../shared/src/errors.js';
import { exec } from '../../shared/src/exec.js';
import type { Io } from '../../shared/src/io.js';
import type { RemoteResult, SshOptions } from '../../shared/src/ssh.js';
import { RPM_QUERY_FORMAT } from './sbom/packages.js';

export type Target =
  | { kind: 'none' }
  | { kind: 'results' }
  | { kind: 'local' }
  | { kind: 'chroot'; dir: string }
  | { kind: 'ssh'; user: string; host: string; port: number };

export function parseTarget(raw: string): Target {
  const v = raw.trim() || 'results';
  if (v === 'results' || v === 'local' || v === 'none') return { kind: v };
  if (v.startsWith('chroot:')) {
    const dir = v.slice('chroot:'.length);
    if (!dir)
      throw new InputError('target', '"chroot:" needs a directory.', 'e.g. target: chroot:/mnt/image');
    return { kind: 'chroot', dir };
  }
  if (v.startsWith('ssh://')) {
    const m = /^ssh:\/\/([A-Za-z0-9._-]+)@(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(v);
    if (!m)
      throw new InputError(
        'target',
        `"${v}" is not an ssh target.`,
        'use ssh://user@host or ssh://user@host:port',
      );
    const port = m[3] ? Number(m[3]) : 22;
    if (port < 1 || port > 65535)
      throw new InputError('target', `port ${port} is out of range.`, 'use a port from 1 to 65535.');
    return { kind: 'ssh', user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port };
  }
  throw new InputError(
    'target',
    `"${v}" is not a known target.`,
    'use results, local, chroot:<dir>, ssh://user@host[:port], or none (with in-use: true).',
  );
}

export interface OscapRun {
  datastream: string;
  profile: string;
  arfFile: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** an XCCDF tailoring file; `profile` is then its profile id */
  tailoringFile?: string;
}

/** Whether an executable of that name is on PATH. */
export function onPath(file: string, pathVar = process.env.PATH ?? ''): boolean {
  return pathVar
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, file), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/**
 * The signal a scanner died of: a process killed by it, or a shell's 128+N exit (oscap-chroot
 * runs oscap from a script); undefined when it exited on its own.
 */
function killedBy(code: number | null, signal?: string | null): string | undefined {
  if (signal) return signal;
  if (code === null || code <= 128 || code >= 128 + 32) return undefined;
  return Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0];
}

/** The scanner died of a signal before it finished: no results, and worth one more run. */
class ScannerCrash extends Error {
  constructor(
    readonly what: string,
    readonly signal: string,
    /** the scanner's last lines of stderr */
    readonly tail: string,
  ) {
    super(`${what} was killed by ${signal} before it finished:\n${tail}`);
  }
}

/**
 * oscap exits 0 (all pass) or 2 (some rule failed) after a complete evaluation; anything else is an
 * error, and a death by a signal a ScannerCrash. `arf`: the local results file it must have written
 * (none for a remote run, whose results are fetched afterwards).
 */
function checkOscapExit(
  what: string,
  code: number | null,
  stderr: string,
  arf: string | undefined,
  signal?: string | null,
): void {
  const tail = stderr.trim().split('\n').slice(-8).join('\n');
  const sig = killedBy(code, signal);
  if (sig) throw new ScannerCrash(what, sig, tail);
  if (code === 0 || code === 2) {
    if (arf !== undefined && (!fs.existsSync(arf) || fs.statSync(arf).size === 0))
      throw new Error(`${what} finished but wrote no results to ${arf}`);
    return;
  }
  throw new Error(`${what} failed (exit ${code}):\n${tail}`);
}

/**
 * OpenSCAP 1.3 crashes now and then, in a probe's threads (e.g. OpenSCAP/openscap#1199, an abort
 * in pthread_mutex_unlock that "happens again and again until it crashes"). A scan killed by a
 * signal is run once more, and that is said; a second crash is the error. Nothing of the first
 * run is kept: the results are the second run's alone.
 */
async function onceMoreIfCrashed<T>(io: Io, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof ScannerCrash)) throw e;
    io.warning(
      `${e.what} was killed by ${e.signal} before it finished; running the scan once more (OpenSCAP's probes crash now and then, e.g. OpenSCAP/openscap#1199). Its last messages:\n${e.tail}`,
    );
    try {
      return await run();
    } catch (again) {
      if (again instanceof ScannerCrash)
        throw new Error(
          `${again.what} was killed by ${again.signal} again, on the second run:\n${again.tail}`,
        );
      throw again;
    }
  }
}

function oscapArgs(run: OscapRun, arf: string, ds: string): string[] {
  const tailoring = run.tailoringFile ? ['--tailoring-file', run.tailoringFile] : [];
  return ['xccdf', 'eval', ...tailoring, '--profile', run.profile, '--results-arf', arf, ds];
}

/**
 * oscap-chroot over an overlay of the directory, in a private mount namespace: OpenSCAP's package
 * probes write into the root they scan (measured with OpenSCAP 1.3.7 on the suite's image: APT's
 * pkgcache.bin and srcpkgcache.bin, two 36 MB temporary files left at its top, rpm's
 * /root/.rpmdb), which would ship in an image scanned before its snapshot. Its writes go to the
 * overlay's upper layer instead, removed with it. $1 the directory, $2 the view's folder, then
 * oscap-chroot's arguments after the root.
 */
const READ_ONLY_VIEW = `
set -e
mkdir -p "$2/u" "$2/w" "$2/m"
mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/u,workdir=$2/w" "$2/m" || exit 97
root=$2/m
shift 2
exec oscap-chroot "$root" "$@"
`;

export function runOscapLocal(io: Io, run: OscapRun, chrootDir?: string): Promise<void> {
  return onceMoreIfCrashed(io, () => runOscapLocalOnce(io, run, chrootDir));
}

async function runOscapLocalOnce(io: Io, run: OscapRun, chrootDir?: string): Promise<void> {
  const file = chrootDir ? 'oscap-chroot' : 'oscap';
  const args = chrootDir
    ? [chrootDir, ...oscapArgs(run, run.arfFile, run.datastream)]
    : oscapArgs(run, run.arfFile, run.datastream);
  io.info(`$ ${file} ${args.join(' ')}`);
  if (!onPath(file, io.env.PATH))
    throw new EnvironmentError(
      `${file} is not installed on this runner (not found on PATH). Install it first: sudo apt-get install -y ${chrootDir ? 'openscap-utils' : 'openscap-scanner'} ssg-debderived (Debian/Ubuntu), or openscap-scanner scap-security-guide (dnf).`,
    );
  let stderrLines = 0;
  const logLine = () => stderrLines++ < 50;
  if (!chrootDir) {
    await runAndCheck(io, file, file, args, run, logLine);
    return;
  }
  // as root, the directory is scanned through a throwaway overlay and never written to
  const inPlace = (why: string) =>
    io.warning(
      `${why}: ${chrootDir} is scanned in place, and OpenSCAP's package probes may write their caches into it (var/cache/apt, temporary files at its top).`,
    );
  const noView =
    process.getuid?.() !== 0
      ? 'Not root (a read-only view needs a mount)'
      : !onPath('unshare', io.env.PATH)
        ? 'No unshare on PATH'
        : undefined;
  if (noView) {
    inPlace(noView);
    await runAndCheck(io, file, file, args, run, logLine);
    return;
  }
  const view = fs.mkdtempSync(`${run.arfFile}.view-`);
  try {
    const argv = ['--mount', '--propagation', 'private', 'sh', '-c', READ_ONLY_VIEW, 'sh', chrootDir, view];
    const done = await runAndCheck(io, file, 'unshare', [...argv, ...args.slice(1)], run, logLine, 97);
    if (done === 'no-view') {
      inPlace('The read-only view could not be mounted (overlay)');
      await runAndCheck(io, file, file, args, run, logLine);
    }
  } finally {
    fs.rmSync(view, { recursive: true, force: true });
  }
}

async function runAndCheck(
  io: Io,
  file: string,
  cmd: string,
  args: string[],
  run: OscapRun,
  logLine: () => boolean,
  /** the exit code that means the read-only view could not be mounted */
  noView?: number,
): Promise<'done' | 'no-view'> {
  const r = await exec(cmd, args, {
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    killGraceMs: 5000,
    processGroup: cmd !== file,
    onStderrLine: (l) => {
      if (logLine()) io.debug(l);
    },
  });
  if (r.timedOut)
    throw new Error(`${file} did not finish within the timeout (${Math.round(run.timeoutMs / 1000)} s)`);
  if (r.aborted) throw new Error(`${file} was cancelled`);
  if (noView !== undefined && r.code === noView) return 'no-view';
  checkOscapExit(file, r.code, r.stderr, run.arfFile, r.signal);
  return 'done';
}

/**
 * How to install the scanner on a target of this os-release (ID, ID_LIKE): a fixed shell command,
 * with nothing from the input in it, and the package manager it uses; undefined when unknown.
 */
export function scannerInstall(osRelease: string): { manager: string; script: string } | undefined {
  const field = (k: string) => new RegExp(`^${k}=["']?([^"'\n]*)`, 'm').exec(osRelease)?.[1] ?? '';
  const ids = `${field('ID')} ${field('ID_LIKE')}`.toLowerCase().split(/\s+/);
  if (ids.some((i) => i === 'debian' || i === 'ubuntu'))
    return {
      manager: 'apt-get',
      script: 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openscap-scanner',
    };
  if (ids.some((i) => ['rhel', 'fedora', 'centos', 'amzn'].includes(i)))
    return {
      manager: 'dnf',
      script:
        'if command -v dnf >/dev/null 2>&1; then dnf install -y -q openscap-scanner; else yum install -y -q openscap-scanner; fi',
    };
  if (ids.some((i) => i === 'suse' || i === 'sles' || i.startsWith('opensuse')))
    return { manager: 'zypper', script: 'zypper --non-interactive install openscap-utils' };
  return undefined;
}

export interface SshScan {
  target: Extract<Target, { kind: 'ssh' }>;
  ssh: SshOptions;
  /** install the scanner when the target has none (a disposable test instance) */
  installScanner: boolean;
  /** Called with the remote os-release when the data stream is `auto`. */
  chooseDatastream: (osRelease: string) => Promise<string>;
  profile: string;
  arfFile: string;
  timeoutMs: number;
}

export async function runOscapSsh(
  io: Io,
  s: SshScan,
): Promise<{
  datastream: string;
  inventory: { osRelease: string; dpkgStatus?: string; rpmPackages?: string };
}> {
  const { Ssh } = await import('../../shared/src/ssh.js');
  const conn = await Ssh.connect(s.target, s.ssh, io);
  let remoteDir: string | undefined;
  const sudo = s.target.user === 'root' ? [] : ['sudo', '-n'];
  // sudo on a terminal: hardened images require one (Defaults requiretty), and it does no harm elsewhere
  const asRoot: RunAsRoot = (argv, timeoutMs = 60_000) =>
    conn.run([...sudo, ...argv], timeoutMs, { pty: sudo.length > 0 });
  try {
    const os = await conn.run(['cat', '/etc/os-release']);
    const datastream = await s.chooseDatastream(os.code === 0 ? os.stdout : '');
    // the image's packages, before the scanner may be installed on the instance
    const dpkg = await conn.run(['cat', '/var/lib/dpkg/status']);
    // no dpkg database: the instance's own rpm lists an rpm image's packages
    const rpm = dpkg.code === 0 ? undefined : await conn.run(['rpm', '-qa', '--qf', RPM_QUERY_FORMAT]);
    const inventory = {
      osRelease: os.code === 0 ? os.stdout : '',
      ...(dpkg.code === 0 ? { dpkgStatus: dpkg.stdout } : {}),
      ...(rpm?.code === 0 ? { rpmPackages: rpm.stdout } : {}),
    };
    await ensureScanner(io, conn, s, asRoot, os.code === 0 ? os.stdout : '');
    const mk = await conn.run(['mktemp', '-d', '/tmp/ami-bakery-scan.XXXXXX']);
    if (mk.code !== 0) throw new Error(`could not create a remote directory: ${mk.stderr.trim()}`);
    remoteDir = mk.stdout.trim();
    const remoteDs = `${remoteDir}/${path.basename(datastream)}`;
    const remoteArf = `${remoteDir}/arf.xml`;
    io.info(`Copying ${path.basename(datastream)} to ${s.target.host}:${remoteDir}`);
    await conn.sftp('put', datastream, remoteDs);
    const argv = ['oscap', 'xccdf', 'eval', '--profile', s.profile, '--results-arf', remoteArf, remoteDs];
    io.info(`$ ssh ${s.target.user}@${s.target.host} ${[...sudo, ...argv].join(' ')}`);
    await onceMoreIfCrashed(io, async () => {
      const r = await asRoot(argv, s.timeoutMs);
      if (r.code === 127) {
        throw new Error(
          `oscap is not installed on ${s.target.host}: install openscap-scanner (apt) or openscap-scanner (dnf/yum) on the target`,
        );
      }
      // a signal's death has no exit code (ssh.ts gives -1 then)
      checkOscapExit('remote oscap', r.signal ? null : r.code, r.stderr, undefined, r.signal);
    });
    await conn.sftp('get', s.arfFile, remoteArf);
    return { datastream, inventory };
  } finally {
    if (remoteDir) await asRoot(['rm', '-rf', '--', remoteDir]).catch(() => undefined);
    conn.close();
  }
}

/** A command on the target as root: through `sudo -n`, on a terminal, unless the login is root. */
type RunAsRoot = (argv: string[], timeoutMs?: number) => Promise<RemoteResult>;

/** oscap on the target, or installed there when asked (and said); otherwise a clear error. */
async function ensureScanner(
  io: Io,
  conn: { run(argv: string[], timeoutMs?: number): Promise<{ code: number; stderr: string }> },
  s: SshScan,
  asRoot: RunAsRoot,
  osRelease: string,
): Promise<void> {
  const host = s.target.host;
  if ((await conn.run(['sh', '-c', 'command -v oscap'])).code === 0) return;
  if (!s.installScanner)
    throw new Error(
      `oscap is not installed on ${host}: install openscap-scanner on the target, or set install-scanner: true to have the scan install it (a disposable test instance only)`,
    );
  const how = scannerInstall(osRelease);
  if (!how)
    throw new Error(
      `oscap is not installed on ${host}, and its os-release names no distribution the scan knows how to install openscap-scanner on (apt-get, dnf/yum, zypper)`,
    );
  io.warning(
    `oscap is not installed on ${host}: installing openscap-scanner there with ${how.manager} (install-scanner: true). Only for a disposable test instance: the image keeps no scanner, the instance is destroyed after the scan.`,
  );
  const r = await asRoot(['sh', '-c', how.script], 10 * 60_000);
  if (r.code !== 0 || (await conn.run(['sh', '-c', 'command -v oscap'])).code !== 0)
    throw new Error(
      `installing openscap-scanner on ${host} with ${how.manager} failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-6).join('\n')}`,
    );
  io.info(`Installed openscap-scanner on ${host} with ${how.manager}.`);
}
