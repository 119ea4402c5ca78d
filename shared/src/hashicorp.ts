/**
 * HashiCorp binaries (packer, terraform): the one on PATH when it satisfies the wanted version,
 * otherwise that exact version from releases.hashicorp.com through the tool cache.
 */
import * as path from 'node:path';
import { InputError, messageOf } from './errors.js';
import { exec } from './exec.js';
import type { Io } from './io.js';

export interface ToolBinary {
  path: string;
  version: string;
}

/** "Packer v1.6.6" / "Terraform v1.11.4" → "1.6.6". */
export function parseToolVersion(out: string): string | undefined {
  return /(?:Packer|Terraform) v?(\d+\.\d+\.\d+)/.exec(out)?.[1];
}

/** Does `have` satisfy `want`: exact "1.6.6", prefix "1.6", or ">=1.7.0"? Empty `want` = anything. */
export function versionSatisfies(have: string, want: string): boolean {
  const w = want.trim().replace(/^v/, '');
  if (!w) return true;
  const cmp = (a: string, b: string) => {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < 3; i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d) return d;
    }
    return 0;
  };
  if (w.startsWith('>=')) return cmp(have, w.slice(2).trim()) >= 0;
  if (/^\d+\.\d+\.\d+$/.test(w)) return have === w;
  if (/^\d+(\.\d+)?$/.test(w)) return have === w || have.startsWith(`${w}.`);
  return false;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    const r = await exec(bin, ['version'], {
      timeoutMs: 30_000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    return parseToolVersion(r.stdout);
  } catch {
    return undefined;
  }
}

export async function resolveHashicorpTool(
  io: Io,
  tool: 'packer' | 'terraform',
  want: string,
  input: string,
): Promise<ToolBinary> {
  const onPath = await versionOf(tool);
  if (onPath && versionSatisfies(onPath, want)) {
    io.info(`Using ${tool} ${onPath} from PATH${want ? ` (satisfies ${want})` : ''}`);
    return { path: tool, version: onPath };
  }
  if (!want) {
    throw new InputError(
      input,
      `${tool} is not on PATH.`,
      `install ${tool} first, or set ${input} to an exact version to download, e.g. ${tool === 'packer' ? '1.11.2' : '1.11.4'}.`,
    );
  }
  if (!/^\d+\.\d+\.\d+$/.test(want)) {
    throw new InputError(
      input,
      `${tool} ${onPath ?? '(none)'} on PATH does not satisfy "${want}", and only an exact version can be downloaded.`,
      `give an exact version such as ${tool === 'packer' ? '1.11.2' : '1.11.4'}.`,
    );
  }
  const tc = await import('@actions/tool-cache');
  let dir = tc.find(tool, want);
  if (!dir) {
    const plat =
      { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string] ?? process.platform;
    const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386' }[process.arch as string] ?? process.arch;
    const url = `https://releases.hashicorp.com/${tool}/${want}/${tool}_${want}_${plat}_${arch}.zip`;
    io.info(`Downloading ${tool} ${want} from ${url}`);
    let zip: string;
    try {
      zip = await tc.downloadTool(url);
    } catch (e) {
      throw new Error(`could not download ${tool} ${want} from ${url}: ${messageOf(e)}`);
    }
    dir = await tc.cacheDir(await tc.extractZip(zip), tool, want);
  }
  const bin = path.join(dir, process.platform === 'win32' ? `${tool}.exe` : tool);
  const v = await versionOf(bin);
  if (v !== want)
    throw new Error(`the downloaded ${tool} at ${bin} reports version ${v ?? 'unknown'}, not ${want}`);
  return { path: bin, version: v };
}
