/**
 * A real OpenSSH server on 127.0.0.1 for tests: key-only root login, sessions chrooted into a
 * prepared image root filesystem (which has oscap installed), SFTP via internal-sftp.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tmpDir } from './helpers.js';

export interface TestSshd {
  port: number;
  clientKey: string;
  hostPublicKey: string;
  log: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * `chrootDir`: sessions are chrooted there; without it commands run on this machine. `extra`:
 * more sshd_config lines (e.g. `PermitTTY no`).
 */
export async function startSshd(chrootDir?: string, extra: string[] = []): Promise<TestSshd> {
  const dir = tmpDir('ami-bakery-sshd-');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client')]);
  fs.copyFileSync(path.join(dir, 'client.pub'), path.join(dir, 'authorized_keys'));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      ...(chrootDir ? [`ChrootDirectory ${chrootDir}`] : []),
      'Subsystem sftp internal-sftp',
      ...extra,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const deadline = Date.now() + 10_000;
  while (!log.includes('Server listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    clientKey: path.join(dir, 'client'),
    hostPublicKey: fs.readFileSync(path.join(dir, 'host.pub'), 'utf8'),
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
