/**
 * Remote commands on a terminal (shared/src/ssh.ts): sudo under `Defaults requiretty`, as hardened
 * images set it (the Debian ANSSI example does), runs only on one. Against a real OpenSSH server on
 * loopback; the scan's use of it, with the image's own sudo, is proved by the fleet play
 * (test/workflow-play.test.ts).
 */
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Ssh } from '../shared/src/ssh.js';
import { startSshd, type TestSshd } from './sshd.js';

const servers: TestSshd[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function connect(extra: string[] = []) {
  const sshd = await startSshd(undefined, extra);
  servers.push(sshd);
  const warnings: string[] = [];
  const ssh = await Ssh.connect(
    { user: 'root', host: '127.0.0.1', port: sshd.port },
    {
      privateKey: fs.readFileSync(sshd.clientKey, 'utf8'),
      knownHosts: `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`,
    },
    { warning: (m: string) => warnings.push(m) },
  );
  return { ssh, warnings };
}

describe('ssh commands on a pseudo-terminal', () => {
  it('pty: the command has a terminal; both streams arrive as one, without carriage returns', async () => {
    const { ssh } = await connect();
    try {
      const plain = await ssh.run(['tty']);
      expect(plain.code).toBe(1);
      expect(plain.stdout.trim()).toBe('not a tty');
      const onTty = await ssh.run(['sh', '-c', 'tty; echo to-stderr >&2; exit 3'], 10_000, { pty: true });
      expect(onTty.code).toBe(3);
      expect(onTty.stdout).toMatch(/^\/dev\/pts\/\d+\nto-stderr\n$/);
      // messages are built from stderr: on a terminal it is the output's tail
      expect(onTty.stderr).toBe(onTty.stdout);
    } finally {
      ssh.close();
    }
  });

  it('a server that gives no terminal (PermitTTY no): the command still runs, without one', async () => {
    const { ssh } = await connect(['PermitTTY no']);
    try {
      const r = await ssh.run(['sh', '-c', 'tty; echo ran'], 10_000, { pty: true });
      expect(r.stdout).toBe('not a tty\nran\n');
    } finally {
      ssh.close();
    }
  });
});
