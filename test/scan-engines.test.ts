/**
 * The scan stage with the real engine: oscap-chroot on a hardened image, oscap on this host, and
 * oscap over SSH on a real sshd (127.0.0.1) whose sessions are chrooted into the image.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseRootfs, ROOT, runCli, UBUNTU2204_DS } from './helpers.js';
import { startSshd, type TestSshd } from './sshd.js';

const HARDENING = 'test/fixtures/hardening/**';
// sshd's ChrootDirectory wants every path component root-owned and not world-writable (so not /tmp).
const IMAGES = '/var/lib/ami-bakery-test';
let image: string;

beforeAll(async () => {
  fs.mkdirSync(IMAGES, { recursive: true, mode: 0o755 });
  fs.chmodSync(IMAGES, 0o755);
  image = fs.mkdtempSync(path.join(IMAGES, 'image-'));
  fs.chmodSync(image, 0o755);
  const scripts = fs
    .readdirSync(path.join(ROOT, 'test/fixtures/hardening/scripts'))
    .map((f) => `test/fixtures/hardening/scripts/${f}`);
  // awaited, not execFileSync: a long synchronous call stalls vitest's worker RPC
  await promisify(execFile)(
    path.join(ROOT, 'test/setup/harden-image.sh'),
    [baseRootfs(), path.join(image, 'root'), ...scripts.sort()],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  image = path.join(image, 'root');
}, 120_000);

afterAll(() => {
  fs.rmSync(path.dirname(image), { recursive: true, force: true });
});

describe('target chroot:<dir> (oscap-chroot)', () => {
  it('scans the image with the auto-chosen Ubuntu 22.04 CIS content and annotates the faulty change', async () => {
    const keep = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-keep-')), 'arf.xml');
    // OpenSCAP's package probes write APT's caches (and two 36 MB temporary files at the top) into
    // the root they scan: the scan goes through a read-only view, so the image is left as it was
    const listing = () =>
      ['', 'var/cache/apt', 'root'].map((d) =>
        fs.existsSync(path.join(image, d)) ? fs.readdirSync(path.join(image, d)).sort() : [],
      );
    const before = listing();
    const r = await runCli([
      'scan',
      '--target',
      `chroot:${image}`,
      '--profile',
      'cis_level1_server',
      '--hardening-scripts',
      HARDENING,
      '--report-file',
      '',
      '--sarif-file',
      '',
      '--results-file',
      keep,
    ]);
    // 20-ssh.sh claims CIS 5.2.6 and gets it wrong: the default gate (fail-on: implemented) fails
    expect(r.code, r.stderr).toBe(1);
    expect(listing()).toEqual(before);
    expect(r.stdout + r.stderr).not.toMatch(/scanned in place/);
    expect(r.outputs.gate).toBe('failed');
    expect(r.stderr).toMatch(/Scan gate failed: .*claims to implement fail: .*CIS 5\.2\.6/);
    expect(r.outputs['results-file']).toBe(keep);
    expect(r.stdout).toContain('ssg-ubuntu2204-ds.xml');
    expect(Number(r.outputs.total)).toBe(189);
    const arf = r.outputs['results-file'];
    const xml = fs.readFileSync(arf, 'utf8');
    const fails = (xml.match(/<result>fail<\/result>/g) ?? []).length;
    expect(Number(r.outputs.failed)).toBe(fails);
    // the script's MaxAuthTries 6 is caught on its line, with what the rule wanted and what it found
    expect(r.stderr).toMatch(
      /error: test\/fixtures\/hardening\/scripts\/20-ssh\.sh:22: CIS 5\.2\.6: .*= 4\)\n\s+Found: \/etc\/ssh\/sshd_config: "MaxAuthTries 6"/,
    );
    // changes that work are not reported: cramfs is disabled by 10-filesystems.sh
    expect(r.stderr).not.toMatch(/CIS 1\.1\.1\.1:/);
    fs.rmSync(path.dirname(arf), { recursive: true, force: true });
  });

  it('rejects a profile the content does not have, before running oscap', async () => {
    const r = await runCli([
      'scan',
      '--target',
      `chroot:${image}`,
      '--profile',
      'cis_level9',
      '--hardening-scripts',
      HARDENING,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "profile": "xccdf_org\.ssgproject\.content_profile_cis_level9" is not in ssg-ubuntu2204-ds\.xml\. Fix: use one of: .*cis_level1_server/,
    );
  });

  it('says so when the chroot directory is missing', async () => {
    const r = await runCli([
      'scan',
      '--target',
      'chroot:/nonexistent/image',
      '--hardening-scripts',
      HARDENING,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "target": chroot directory "\/nonexistent\/image" does not exist/);
  });
});

describe('a missing scanner is an environment error, not a failed gate', () => {
  it('exits 2 and names the package to install', async () => {
    const r = await runCli(
      [
        'scan',
        '--target',
        `chroot:${image}`,
        '--datastream',
        UBUNTU2204_DS,
        '--hardening-scripts',
        HARDENING,
      ],
      { env: { PATH: '/nonexistent-bin' } },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /oscap-chroot is not installed on this runner.*apt-get install -y openscap-utils/,
    );
  });
});

/** oscap on this host with the Ubuntu 22.04 content: every rule is notapplicable here */
const localScan = [
  'scan',
  '--target',
  'local',
  '--datastream',
  UBUNTU2204_DS,
  '--hardening-scripts',
  HARDENING,
];

describe('target local (oscap on this Debian 12 host)', () => {
  it('finds no content for this OS with datastream auto', async () => {
    const r = await runCli(['scan', '--target', 'local', '--hardening-scripts', HARDENING]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "datastream": no SCAP content for Debian GNU\/Linux 12.*Fix: set content-version/,
    );
  });

  it('explains an all-notapplicable run (Ubuntu content on Debian) instead of reporting 0%', async () => {
    const r = await runCli([...localScan, '--report-file', '', '--sarif-file', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /every one of 189 rules is notapplicable: the content does not match the scanned system's platform/,
    );
  });
});

/**
 * An oscap that crashes: the real oscap, started and killed with SIGSEGV (as OpenSCAP 1.3's probes
 * now and then kill it), for the first `crashes` runs; after that the real oscap itself. The kill
 * is sent at once, not after a sleep: a scan that finished within the sleep (an all-notapplicable
 * local scan can take under a second) was not killed at all, and the test failed on a fast machine.
 * `how` is how the crash reaches the caller: `exit` as a shell's 128+11 (oscap-chroot is a script),
 * `signal` as the wrapper itself killed by the signal (what sshd reports as exit-signal).
 */
function crashingOscap(file: string, crashes: number, how: 'exit' | 'signal', count = `${file}.runs`): void {
  fs.writeFileSync(
    file,
    `#!/bin/bash
n=$(cat ${count} 2>/dev/null || echo 0); echo $((n + 1)) > ${count}
if [ "$n" -lt ${crashes} ]; then
  /usr/bin/oscap "$@" & pid=$!
  kill -SEGV $pid; wait $pid; code=$?
  ${how === 'exit' ? 'exit $code' : 'kill -SEGV $$'}
fi
exec /usr/bin/oscap "$@"
`,
    { mode: 0o755 },
  );
}

describe('a scanner that crashes (killed by a signal)', () => {
  it.each([
    { crashes: 1, code: 2, says: /every one of 189 rules is notapplicable/, runs: 2 },
    { crashes: 2, code: 1, says: /oscap was killed by SIGSEGV again, on the second run/, runs: 2 },
  ])('crashing $crashes time(s): runs once more and says so, and fails on a second crash', async (c) => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-crashing-'));
    const count = path.join(bin, 'oscap.runs');
    crashingOscap(path.join(bin, 'oscap'), c.crashes, 'exit', count);
    const r = await runCli(localScan, { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.stderr).toMatch(
      /warning: oscap was killed by SIGSEGV before it finished; running the scan once more \(OpenSCAP's probes crash now and then/,
    );
    expect(r.stderr).toMatch(c.says);
    expect(r.code).toBe(c.code);
    // the real oscap ran each time: never more than twice
    expect(Number(fs.readFileSync(count, 'utf8'))).toBe(c.runs);
    fs.rmSync(bin, { recursive: true, force: true });
  });
});

/** A scan of a loopback sshd's chroot, its host key pinned, ungated, writing no report. */
const sshScan = (s: TestSshd, key = s.clientKey) => [
  'scan',
  '--target',
  `ssh://root@127.0.0.1:${s.port}`,
  '--ssh-key',
  key,
  '--ssh-known-hosts',
  `[127.0.0.1]:${s.port} ${s.hostPublicKey}`,
  '--hardening-scripts',
  HARDENING,
  '--report-file',
  '',
  '--sarif-file',
  '',
  '--sbom-file',
  '',
  '--fail-on',
  'none',
];

describe('target ssh://user@host:port (real sshd on 127.0.0.1)', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd(image);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('copies the content, runs oscap remotely, brings the ARF back and cleans up', async () => {
    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-runner-temp-'));
    // the key given as its text (as a secret is), not as a path
    const r = await runCli(sshScan(sshd, fs.readFileSync(sshd.clientKey, 'utf8')), {
      env: { RUNNER_TEMP: runnerTemp },
    });
    expect(r.code, `${r.stderr}\n${sshd.log()}`).toBe(0);
    expect(r.outputs.gate).toBe('ungated');
    // the ~15 MB ARF is not left behind when results-file is not set
    expect(r.outputs['results-file']).toBe('');
    expect(fs.readdirSync(runnerTemp)).toEqual([]);
    expect(sshd.log()).toContain('Accepted publickey for root');
    expect(Number(r.outputs.total)).toBe(189);
    expect(Number(r.outputs.failed)).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/error: test\/fixtures\/hardening\/scripts\/20-ssh\.sh:22: CIS 5\.2\.6: /);
    // the private key never reaches the log
    expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY');
    expect(r.stderr).not.toContain('not verified');
    // nothing left behind on the target
    expect(fs.readdirSync(path.join(image, 'tmp')).filter((f) => f.startsWith('ami-bakery-scan'))).toEqual(
      [],
    );
  });

  it('runs a remote oscap killed by a signal once more, and says so', async () => {
    // the instance's oscap is killed by SIGSEGV on its first run: sshd reports the signal, not a code
    const wrapper = path.join(image, 'usr/local/bin/oscap');
    crashingOscap(wrapper, 1, 'signal', '/tmp/oscap.runs');
    try {
      const r = await runCli(sshScan(sshd));
      expect(r.stderr).toMatch(
        /warning: remote oscap was killed by SIGSEGV before it finished; running the scan once more/,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(Number(r.outputs.total)).toBe(189);
      expect(fs.readFileSync(path.join(image, 'tmp/oscap.runs'), 'utf8').trim()).toBe('2');
    } finally {
      fs.rmSync(wrapper, { force: true });
      fs.rmSync(path.join(image, 'tmp/oscap.runs'), { force: true });
    }
  });

  it('installs the scanner on a test instance that has none, and says so; without install-scanner that is an error', async () => {
    // an instance whose image keeps no scanner: the image with openscap-scanner removed (an overlay)
    const dir = fs.mkdtempSync(path.join(IMAGES, 'no-scanner-'));
    fs.chmodSync(dir, 0o755);
    for (const d of ['u', 'w', 'm']) fs.mkdirSync(path.join(dir, d), { mode: 0o755 });
    const m = path.join(dir, 'm');
    const run = promisify(execFile);
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${image},upperdir=${dir}/u,workdir=${dir}/w`,
      m,
    ]);
    let bare: TestSshd | undefined;
    try {
      await run('chroot', [m, 'dpkg', '-r', 'openscap-scanner']);
      expect(fs.existsSync(path.join(m, 'usr/bin/oscap'))).toBe(false);
      // the instance resolves names as a cloud instance does (its package mirror)
      fs.copyFileSync('/etc/resolv.conf', path.join(m, 'etc/resolv.conf'));
      bare = await startSshd(m);
      const args = sshScan(bare);
      const refused = await runCli(args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/oscap is not installed on 127\.0\.0\.1: .*set install-scanner: true/);
      const sbom = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-sbom-')), 'sbom.cdx.json');
      const withSbom = args.map((x, i) => (args[i - 1] === '--sbom-file' ? sbom : x));
      const r = await runCli([...withSbom, '--install-scanner', 'true']);
      expect(r.code, `${r.stderr}\n${bare.log()}`).toBe(0);
      expect(r.stdout + r.stderr).toMatch(
        /oscap is not installed on 127\.0\.0\.1: installing openscap-scanner there with apt-get \(install-scanner: true\)/,
      );
      expect(r.stdout).toContain('Installed openscap-scanner on 127.0.0.1 with apt-get.');
      expect(Number(r.outputs.total)).toBe(189);
      // the test instance has it now (the image it was launched from keeps none)
      expect(fs.existsSync(path.join(m, 'usr/bin/oscap'))).toBe(true);
      // the SBOM (issue 26) is of the image: read over SSH before the scanner was installed
      const names = (JSON.parse(fs.readFileSync(sbom, 'utf8')).components as Array<{ name: string }>).map(
        (c) => c.name,
      );
      expect(names).toContain('openssh-server');
      expect(names).not.toContain('openscap-scanner');
      expect(Number(r.outputs.packages)).toBe(names.length);
      fs.rmSync(path.dirname(sbom), { recursive: true, force: true });
    } finally {
      await bare?.stop();
      await run('umount', [m]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('refuses a host whose key does not match ssh-known-hosts', async () => {
    const r = await runCli([
      'scan',
      '--target',
      `ssh://root@127.0.0.1:${sshd.port}`,
      '--ssh-key',
      sshd.clientKey,
      '--ssh-known-hosts',
      'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '--hardening-scripts',
      HARDENING,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the host key of 127\.0\.0\.1:\d+ does not match ssh-known-hosts/);
  });

  it('an ssh target with no host key to check is bad input (exit 2), before any connection', async () => {
    const before = sshd.log().length;
    const r = await runCli([
      'scan',
      '--target',
      `ssh://root@127.0.0.1:${sshd.port}`,
      '--ssh-key',
      sshd.clientKey,
      '--hardening-scripts',
      HARDENING,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "ssh-known-hosts": is empty, so the host key of 127\.0\.0\.1 cannot be checked\..*accept-any/,
    );
    expect(sshd.log().slice(before)).not.toContain('Connection from');
  });

  it('needs ssh-key for an ssh target (exit 2)', async () => {
    const r = await runCli([
      'scan',
      '--target',
      `ssh://root@127.0.0.1:${sshd.port}`,
      '--hardening-scripts',
      HARDENING,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "ssh-key": is required for an ssh:\/\/ target/);
  });
});
