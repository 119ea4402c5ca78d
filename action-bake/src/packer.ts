/**
 * The Packer binary (shared/src/hashicorp.ts: PATH, or an exact version from HashiCorp releases). Plugin install (`packer init`, Packer ≥ 1.7)
 * with the plugin directory cached by the Actions cache, keyed by the template's required_plugins.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageOf } from '../../shared/src/errors.js';
import { exec } from '../../shared/src/exec.js';
import { resolveHashicorpTool, type ToolBinary, versionSatisfies } from '../../shared/src/hashicorp.js';
import type { Io } from '../../shared/src/io.js';

export type PackerBinary = ToolBinary;

export function resolvePacker(io: Io, want: string): Promise<PackerBinary> {
  return resolveHashicorpTool(io, 'packer', want, 'packer-version');
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
