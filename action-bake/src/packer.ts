/**
 * The Packer binary: the one on PATH when it satisfies `packer-version`, otherwise that exact
 * version from HashiCorp releases through the tool cache. Plugin install (`packer init`, Packer ≥ 1.7)
 * with the plugin directory cached by the Actions cache, keyed by the template's required_plugins.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, messageOf } from '../../shared/src/errors.js';
import { exec } from '../../shared/src/exec.js';
import type { Io } from '../../shared/src/io.js';
import { parsePackerVersion, versionSatisfies } from '../../shared/src/packer/vars.js';

export interface PackerBinary {
  path: string;
  version: string;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    const r = await exec(bin, ['version'], { timeoutMs: 30_000 });
    return parsePackerVersion(r.stdout);
  } catch {
    return undefined;
  }
}

export async function resolvePacker(io: Io, want: string): Promise<PackerBinary> {
  const onPath = await versionOf('packer');
  if (onPath && versionSatisfies(onPath, want)) {
    io.info(`Using packer ${onPath} from PATH${want ? ` (satisfies ${want})` : ''}`);
    return { path: 'packer', version: onPath };
  }
  if (!want) {
    throw new InputError(
      'packer-version',
      'packer is not on PATH.',
      'install Packer first (e.g. hashicorp/setup-packer), or set packer-version to an exact version to download, e.g. 1.11.2.',
    );
  }
  if (!/^\d+\.\d+\.\d+$/.test(want)) {
    throw new InputError(
      'packer-version',
      `packer ${onPath ?? '(none)'} on PATH does not satisfy "${want}", and only an exact version can be downloaded.`,
      'give an exact version such as 1.11.2.',
    );
  }
  const tc = await import('@actions/tool-cache');
  let dir = tc.find('packer', want);
  if (!dir) {
    const plat =
      { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string] ?? process.platform;
    const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386' }[process.arch as string] ?? process.arch;
    const url = `https://releases.hashicorp.com/packer/${want}/packer_${want}_${plat}_${arch}.zip`;
    io.info(`Downloading packer ${want} from ${url}`);
    let zip: string;
    try {
      zip = await tc.downloadTool(url);
    } catch (e) {
      throw new Error(`could not download packer ${want} from ${url}: ${messageOf(e)}`);
    }
    dir = await tc.cacheDir(await tc.extractZip(zip), 'packer', want);
  }
  const bin = path.join(dir, process.platform === 'win32' ? 'packer.exe' : 'packer');
  const v = await versionOf(bin);
  if (v !== want)
    throw new Error(`the downloaded packer at ${bin} reports version ${v ?? 'unknown'}, not ${want}`);
  return { path: bin, version: v };
}

/** The text of every `required_plugins { ... }` block in the HCL2 template files. */
export function requiredPlugins(templateFiles: string[]): string {
  const blocks: string[] = [];
  for (const f of templateFiles) {
    const text = fs.readFileSync(f, 'utf8');
    const re = /required_plugins\s*\{/g;
    let m = re.exec(text);
    while (m) {
      let depth = 1;
      let i = m.index + m[0].length;
      while (i < text.length && depth > 0) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        i++;
      }
      blocks.push(text.slice(m.index, i));
      m = re.exec(text);
    }
  }
  return blocks.join('\n');
}

/** `packer init` for HCL2 templates that declare plugins, with the plugin directory in the Actions cache. */
export async function initPlugins(
  io: Io,
  packer: PackerBinary,
  template: string,
  templateFiles: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const plugins = requiredPlugins(templateFiles);
  if (!plugins) return;
  if (!versionSatisfies(packer.version, '>=1.7.0')) {
    io.warning(
      `The template declares required_plugins, but packer ${packer.version} has no "packer init" (Packer ≥ 1.7): skipping plugin installation.`,
    );
    return;
  }
  const pluginDir = env.PACKER_PLUGIN_PATH || path.join(os.homedir(), '.config', 'packer', 'plugins');
  env.PACKER_PLUGIN_PATH = pluginDir;
  const key = `ami-bakery-packer-plugins-${process.platform}-${process.arch}-${createHash('sha256').update(plugins).digest('hex').slice(0, 16)}`;
  const cache = await import('@actions/cache');
  const cacheOn = cache.isFeatureAvailable();
  let hit = false;
  if (cacheOn) {
    try {
      hit = Boolean(await cache.restoreCache([pluginDir], key));
    } catch (e) {
      io.warning(`plugin cache restore failed: ${messageOf(e)}`);
    }
  }
  await io.group(`packer init${hit ? ' (plugins restored from cache)' : ''}`, async () => {
    const r = await exec(packer.path, ['init', template], {
      cwd,
      env,
      onStdoutLine: (l) => io.info(l),
      onStderrLine: (l) => io.info(l),
      timeoutMs: 10 * 60_000,
    });
    if (r.code !== 0)
      throw new Error(
        `packer init failed (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`,
      );
  });
  if (cacheOn && !hit) {
    try {
      await cache.saveCache([pluginDir], key);
    } catch (e) {
      io.warning(`plugin cache save failed: ${messageOf(e)}`);
    }
  }
}
