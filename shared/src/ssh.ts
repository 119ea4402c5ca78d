/**
 * SSH for the stages (scan's ssh:// target, verify's command checks): ssh2, key auth, host key
 * checked against known_hosts lines or SHA256 fingerprints, every remote command built from an
 * argv array and POSIX-quoted (the remote side is a shell; nothing is interpolated raw).
 */
import { Client, type ConnectConfig } from 'ssh2';
import { shellJoin } from './exec.js';
import type { Io } from './io.js';
import { hostKeyMatches } from './ssh-keys.js';

export { hostKeyMatches, loadPrivateKey } from './ssh-keys.js';

export interface SshTarget {
  user: string;
  host: string;
  port: number;
}

/** The one value of ssh-known-hosts that skips the host key check: explicit, and warned about. */
export const ACCEPT_ANY_HOST_KEY = 'accept-any';

/** Why an empty ssh-known-hosts stops a connection, and what to give instead. */
export const NO_HOST_KEY_HINT = `give known_hosts lines or SHA256 fingerprints (action-verify outputs the test instance's as host-keys), or ${ACCEPT_ANY_HOST_KEY} to skip the check (anyone on the path could answer as the host)`;

export interface SshOptions {
  privateKey: string;
  /** known_hosts lines or SHA256:... fingerprints, or accept-any (warned); empty refuses to connect. */
  knownHosts: string;
  readyTimeoutMs?: number;
}

/** What a remote command did: its exit code (-1 when it has none), or the signal that killed it. */
export interface RemoteResult {
  code: number;
  /** e.g. SIGSEGV, when the command was killed by a signal */
  signal?: string;
  stdout: string;
  stderr: string;
}

export class Ssh {
  private constructor(private readonly conn: Client) {}

  static connect(t: SshTarget, o: SshOptions, io: Pick<Io, 'warning'>): Promise<Ssh> {
    return new Promise((resolve, reject) => {
      const known = o.knownHosts.trim();
      if (!known) {
        reject(
          new Error(
            `no host key to check ${t.host}:${t.port} against: ssh-known-hosts is empty; ${NO_HOST_KEY_HINT}`,
          ),
        );
        return;
      }
      const any = known === ACCEPT_ANY_HOST_KEY;
      const conn = new Client();
      let rejectedKey = false;
      const cfg: ConnectConfig = {
        host: t.host,
        port: t.port,
        username: t.user,
        privateKey: o.privateKey,
        readyTimeout: o.readyTimeoutMs ?? 20_000,
        hostVerifier: (key: Buffer) => {
          if (any) return true;
          const ok = hostKeyMatches(known, key);
          if (!ok) rejectedKey = true;
          return ok;
        },
      };
      if (any)
        io.warning(
          `ssh-known-hosts: ${ACCEPT_ANY_HOST_KEY}: the host key of ${t.host} is not verified; anyone on the path could answer as it.`,
        );
      conn.once('ready', () => resolve(new Ssh(conn)));
      conn.once('error', (e) =>
        reject(
          new Error(
            rejectedKey
              ? `the host key of ${t.host}:${t.port} does not match ssh-known-hosts`
              : `ssh to ${t.user}@${t.host}:${t.port} failed: ${e.message}`,
          ),
        ),
      );
      conn.connect(cfg);
    });
  }

  /**
   * Run an argv on the remote host (each element quoted for the remote shell). `pty`: on a
   * pseudo-terminal, as sudo needs under `Defaults requiretty` (hardened images set it: the
   * Debian ANSSI example does). A terminal carries both streams as one, so then stdout is the
   * whole output, carriage returns removed, and stderr its tail, for messages.
   */
  run(argv: string[], timeoutMs = 60_000, o: { pty?: boolean } = {}): Promise<RemoteResult> {
    return this.runShell(shellJoin(argv), timeoutMs, o);
  }

  /** Run a command line written by the user (a smoke-test `command`), as the remote shell reads it. */
  runShell(command: string, timeoutMs = 60_000, o: { pty?: boolean } = {}): Promise<RemoteResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`remote command timed out after ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      this.conn.exec(command, { pty: o.pty === true }, (err, stream) => {
        if (err && o.pty && /pseudo-terminal/i.test(err.message)) {
          // a host that gives no terminal (no /dev/pts): the command as it is, without one
          clearTimeout(timer);
          resolve(this.runShell(command, timeoutMs));
          return;
        }
        if (err) {
          clearTimeout(timer);
          reject(err);
          return;
        }
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => {
          stdout += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          stderr = (stderr + d.toString('utf8')).slice(-64 * 1024);
        });
        // a command killed by a signal has no exit code: sshd sends the signal's name instead
        stream.on('close', (code: number | null, signal?: string) => {
          clearTimeout(timer);
          if (o.pty) {
            stdout = stdout.replace(/\r\n?/g, '\n');
            stderr = stdout.slice(-64 * 1024);
          }
          resolve({ code: code ?? -1, signal: code === null ? signal : undefined, stdout, stderr });
        });
      });
    });
  }

  sftp(op: 'put' | 'get', local: string, remote: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.conn.sftp((err, sftp) => {
        if (err) return reject(err);
        const done = (e?: Error | null) => {
          sftp.end();
          if (e) reject(new Error(`sftp ${op} ${remote}: ${e.message}`));
          else resolve();
        };
        if (op === 'put') sftp.fastPut(local, remote, done);
        else sftp.fastGet(remote, local, done);
      });
    });
  }

  close(): void {
    this.conn.end();
  }
}
