/**
 * moto's EC2/STS/SSM server (moto 5.2.1, preinstalled for this machine image's python3) on
 * 127.0.0.1: a second, independent AWS stand-in beside the sandbox, for the main paths. One account
 * only (123456789012); no cross-account copies, KMS on copies or deprecation — the sandbox covers those.
 * A missing moto is a failure, never a skip: .ci/run checks for it first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { freePort } from '../sshd.js';

export const MOTO_ACCOUNT = '123456789012';

export interface Moto {
  endpoint: string;
  env(region: string): Record<string, string>;
  /** An SDK client of moto's EC2 in a region. */
  ec2(region: string): EC2Client;
  stop(): Promise<void>;
}

function ready(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${endpoint}/moto-api/`, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * `amis`: the public images moto starts with, instead of its own list (MOTO_AMIS_PATH, moto's
 * amis.json shape: ami_id, name, owner_id, architecture, root_device_type, creation_date, …).
 */
export async function startMoto(opts: { amis?: Array<Record<string, unknown>> } = {}): Promise<Moto> {
  try {
    execFileSync('python3', ['-c', 'import moto.server'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `moto is not installed for python3 (python3 -c "import moto.server" failed): ${(e as Error).message}. This machine image ships moto 5.2.1; PyPI is not reachable to install it.`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let amisPath: string | undefined;
  if (opts.amis) {
    amisPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'moto-amis-')), 'amis.json');
    fs.writeFileSync(amisPath, JSON.stringify(opts.amis));
  }
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(amisPath ? { MOTO_AMIS_PATH: amisPath } : {}) },
  });
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-4000);
  });
  for (let i = 0; i < 150 && !(await ready(endpoint)); i++) {
    if (child.exitCode !== null) throw new Error(`moto.server exited (${child.exitCode}):\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await ready(endpoint))) throw new Error(`moto.server did not answer on ${endpoint}:\n${log}`);
  return {
    endpoint,
    env: (region) => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
    }),
    ec2: (region) =>
      new EC2Client({
        region,
        endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
