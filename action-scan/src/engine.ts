/** The engine phase: run OpenSCAP (local, chroot or over SSH) or take the given result files, and parse them. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fg from 'fast-glob';
import { InputError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { copyOutputFile } from '../../shared/src/outputs.js';
import { checkGlobPattern, insideRoot } from '../../shared/src/workspace.js';
import type { ScanConfig } from './config.js';
import {
  checkProfile,
  downloadContent,
  parseOsRelease,
  resolveDatastreamForOs,
  SYSTEM_CONTENT_DIRS,
} from './content.js';
import type { Finding, ResultSet } from './findings.js';
import { verifyFixes } from './fix-verify.js';
import { attachFixes, generateFixes } from './fixes.js';
import { loadDatastreamContent, loadDatastreamRules, parseResultsFile } from './formats/index.js';
import type { DatastreamContent } from './formats/xccdf.js';
import { RPM_QUERY_FORMAT } from './sbom/packages.js';
import { runOscapLocal, runOscapSsh } from './targets.js';
import { tailoringXml, todayUtc, waivedRules } from './waivers.js';

async function expandResults(patterns: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of patterns) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      throw new InputError(
        'results',
        `"${p}" is a directory, not a result file.`,
        `name the result files in it, e.g. ${path.join(p, '*.xml')}.`,
      );
    }
    checkGlobPattern('results', p);
    if (fs.existsSync(p)) {
      files.push(p);
      continue;
    }
    if (!fg.isDynamicPattern(p)) {
      throw new InputError(
        'results',
        `"${p}" does not exist (relative paths are from ${process.cwd()}).`,
        'check the path of the result file.',
      );
    }
    const found = await fg(p, { onlyFiles: true });
    if (!found.length)
      throw new InputError(
        'results',
        `no files match "${p}".`,
        'check the glob and that the scan wrote its results.',
      );
    files.push(...found.sort());
  }
  return [...new Set(files)];
}

export function workDir(env: NodeJS.ProcessEnv): string {
  const base = env.RUNNER_TEMP || os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'ami-bakery-scan-'));
}

/** Run the scan engine for non-`results` targets; returns the ARF path. */
async function runEngine(
  io: Io,
  cfg: ScanConfig,
  work: () => string,
  signal?: AbortSignal,
): Promise<{ files: string[]; datastream?: string; tailoringFile?: string; inventory?: Inventory }> {
  if (cfg.target.kind === 'results') return { files: await expandResults(cfg.results) };
  const contentDirs = cfg.contentVersion
    ? [await downloadContent(cfg.contentVersion), ...SYSTEM_CONTENT_DIRS]
    : SYSTEM_CONTENT_DIRS;
  const arfFile = path.join(work(), 'results-arf.xml');
  const pickDatastream = (osText: string, where: string): string => {
    if (cfg.datastream !== 'auto') return cfg.datastream;
    const osr = parseOsRelease(osText);
    if (!osr)
      throw new InputError(
        'datastream',
        `auto: cannot read /etc/os-release of ${where}.`,
        'give the data stream path explicitly.',
      );
    return resolveDatastreamForOs(osr, contentDirs);
  };
  let datastream: string;
  let tailoringFile: string | undefined;
  let inventory: Inventory | undefined;
  if (cfg.target.kind === 'ssh') {
    const t = cfg.target;
    const r = await io.group(`OpenSCAP over SSH on ${t.host}`, () =>
      runOscapSsh(io, {
        target: t,
        ssh: { privateKey: cfg.sshKey, knownHosts: cfg.sshKnownHosts },
        installScanner: cfg.installScanner,
        chooseDatastream: async (osText) => {
          const ds = pickDatastream(osText, t.host);
          checkProfile(ds, cfg.profile);
          return ds;
        },
        profile: cfg.profile,
        arfFile,
        timeoutMs: cfg.timeoutMs,
      }),
    );
    datastream = r.datastream;
    inventory = r.inventory;
  } else {
    let root = '/';
    if (cfg.target.kind === 'chroot') {
      root = cfg.target.dir;
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new InputError(
          'target',
          `chroot directory "${root}" does not exist.`,
          'mount or unpack the image root filesystem there first.',
        );
      }
    }
    let osText = '';
    for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
      const p = path.join(root, rel);
      if (fs.existsSync(p)) {
        osText = fs.readFileSync(p, 'utf8');
        break;
      }
    }
    datastream = pickDatastream(osText, root);
    checkProfile(datastream, cfg.profile);
    const status = path.join(root, 'var/lib/dpkg/status');
    inventory = fs.existsSync(status)
      ? { osRelease: osText, dpkgStatus: fs.readFileSync(status, 'utf8') }
      : { osRelease: osText, ...(await readRpmDatabase(root, signal)) };
    const chroot = cfg.target.kind === 'chroot' ? cfg.target.dir : undefined;
    const tailoring =
      cfg.waiveMode === 'skip' ? await writeTailoring(io, cfg, datastream, work()) : undefined;
    tailoringFile = tailoring?.file;
    await io.group(
      `OpenSCAP ${cfg.profile.replace(/^xccdf_org\.ssgproject\.content_profile_/, '')} on ${chroot ?? 'this host'}`,
      () =>
        runOscapLocal(
          io,
          {
            datastream,
            profile: tailoring?.profileId ?? cfg.profile,
            tailoringFile: tailoring?.file,
            arfFile,
            timeoutMs: cfg.timeoutMs,
            signal,
          },
          chroot,
        ),
    );
  }
  io.info(`Results: ${arfFile} (${(fs.statSync(arfFile).size / 1e6).toFixed(1)} MB)`);
  return { files: [arfFile], datastream, tailoringFile, inventory };
}

/** waive-mode skip: a tailoring file that deselects the waived rules, so oscap does not evaluate them. */
async function writeTailoring(
  io: Io,
  cfg: ScanConfig,
  datastream: string,
  dir: string,
): Promise<{ file: string; profileId: string } | undefined> {
  const rules = await loadDatastreamRules(datastream);
  const profile = cfg.profile.replace(/^xccdf_org\.ssgproject\.content_profile_/, '');
  const waived = waivedRules(rules, cfg.waivers, {
    profile,
    amiId: cfg.amiId,
    today: todayUtc(),
  });
  if (!waived.size) {
    io.info('waive-mode skip: no valid waiver names a rule of this benchmark; the profile runs as it is.');
    return undefined;
  }
  const t = tailoringXml(cfg.profile, datastream, waived);
  const file = path.join(dir, 'waivers-tailoring.xml');
  fs.writeFileSync(file, t.xml);
  io.info(
    `waive-mode skip: ${waived.size} waived rule(s) not evaluated (tailoring profile ${t.profileId}): ${[
      ...waived.keys(),
    ]
      .sort()
      .map((r) => r.replace(/^xccdf_[^_]+_rule_/, ''))
      .join(', ')}`,
  );
  return { file, profileId: t.profileId };
}

/** The engine's result files, parsed; `kept`: the raw result files that remain after the run. */
/** What the image has installed, read from it before the scan changed anything (sbom/). */
export interface Inventory {
  osRelease: string;
  /** /var/lib/dpkg/status; undefined when the image has none */
  dpkgStatus?: string;
  /** `rpm -qa --qf RPM_QUERY_FORMAT` of an image with an rpm database (and no dpkg one) */
  rpmPackages?: string;
  /** why an rpm database could not be read (no rpm on this host, rpm failed) */
  rpmProblem?: string;
}

/**
 * An rpm image's packages, by the host's rpm with --root (and the image's own /var/lib/rpm:
 * Debian's rpm keeps its database elsewhere); rpm over SSH is the instance's (targets.ts).
 */
export async function readRpmDatabase(root: string, signal?: AbortSignal): Promise<Partial<Inventory>> {
  if (!fs.existsSync(path.join(root, 'var/lib/rpm'))) return {};
  const { exec } = await import('../../shared/src/exec.js');
  try {
    const r = await exec(
      'rpm',
      [
        ...(root === '/' ? [] : ['--root', root]),
        '--dbpath',
        '/var/lib/rpm',
        '-qa',
        '--qf',
        RPM_QUERY_FORMAT,
      ],
      { timeoutMs: 120_000, maxBuffer: 64 * 1024 * 1024, signal },
    );
    if (r.code === 0) return { rpmPackages: r.stdout };
    return {
      rpmProblem: `rpm -qa failed (exit ${r.code}): ${r.stderr.trim().split('\n').at(-1)?.slice(0, 200) ?? ''}`,
    };
  } catch (e) {
    return {
      rpmProblem: /ENOENT/.test((e as Error).message)
        ? 'the image has an rpm database (/var/lib/rpm) and rpm is not installed on this host (apt-get install rpm)'
        : `rpm could not be run: ${(e as Error).message.slice(0, 200)}`,
    };
  }
}

export interface Collected {
  /** the image's package database, when a scan read the image itself */
  inventory?: Inventory;
  files: string[];
  sets: ResultSet[];
  kept: string[];
  /** tries fixes in a copy of the image and records the verdict on each finding */
  tryFixes: (findings: Finding[]) => Promise<void>;
}

/** Run the engine (or take the given result files), parse every file, keep the raw results where asked. */
export async function collectResults(
  io: Io,
  cfg: ScanConfig,
  work: () => string,
  codeText: () => string,
  signal?: AbortSignal,
): Promise<Collected> {
  const engine = await runEngine(io, cfg, work, signal);
  const datastream = cfg.datastream !== 'auto' ? cfg.datastream : engine.datastream;
  let dsContent: DatastreamContent | undefined;
  const datastreamContent = async () => {
    if (!datastream) {
      throw new InputError(
        'datastream',
        'the result file has no benchmark (rule titles and CIS references).',
        'give the data stream the scan used, e.g. datastream: /usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml, or scan with --results-arf.',
      );
    }
    dsContent ??= await loadDatastreamContent(datastream);
    return dsContent;
  };
  const sets: ResultSet[] = [];
  await io.group('Parsing results', async () => {
    for (const f of engine.files) {
      const t0 = Date.now();
      const rs = await parseResultsFile(f, { datastreamContent, datastream });
      const shown = insideRoot(cfg.root, path.resolve(f)) ?? f;
      io.info(`${shown}: ${rs.engine}, ${rs.findings.length} result(s) in ${Date.now() - t0} ms`);
      for (const n of rs.notes ?? []) io.info(`${n} (not counted: it is about the scanner, not the image)`);
      sets.push(rs);
    }
  });
  await attachSuggestedFixes(io, engine.files, sets, signal, engine.tailoringFile);
  const tryFixes = fixTrier(io, cfg, sets, { datastream, work, codeText, signal });
  // The raw results of an engine run: kept where results-file says, else deleted with the work dir.
  let kept = cfg.target.kind === 'results' ? engine.files : [];
  if (cfg.target.kind !== 'results') {
    if (cfg.resultsFile) {
      copyOutputFile(engine.files[0], cfg.resultsFile);
      kept = [cfg.resultsFile];
      io.info(`Results kept at ${cfg.resultsFile}`);
    } else io.info('Raw results deleted after parsing (set results-file to keep them).');
  }
  return { files: engine.files, sets, kept, tryFixes, inventory: engine.inventory };
}

/**
 * The way to try fixes before they are offered: in a copy of the scanned root filesystem (target
 * chroot); without one (results, ssh) every fix asked about is "not verified", and none is offered.
 */
function fixTrier(
  io: Io,
  cfg: ScanConfig,
  sets: ResultSet[],
  x: { datastream?: string; work: () => string; codeText: () => string; signal?: AbortSignal },
): (findings: Finding[]) => Promise<void> {
  return async (findings) => {
    if (!findings.length) return;
    if (cfg.target.kind !== 'chroot' || !x.datastream) {
      const said = `not verified: this scan has no root filesystem to try it on (target ${cfg.target.kind}); scan target chroot:<dir> to verify fixes`;
      for (const f of findings) f.fixVerdict = { verified: false, said };
      io.info(
        `Suggested fixes: ${findings.length} asked for, none verified (${said.replace(/^not verified: /, '')}): none is offered.`,
      );
      return;
    }
    const root = cfg.target.dir;
    const datastream = x.datastream;
    await io.group(`Trying ${findings.length} suggested fix(es) in a copy of the image`, () =>
      verifyFixes(io, findings, {
        root,
        datastream,
        profile: cfg.profile,
        companionRule: sets
          .flatMap((s) => s.findings)
          .find(
            (f) => f.engine === 'openscap' && /_rule_package_[\w-]+_(?:installed|removed)$/.test(f.ruleId),
          )?.ruleId,
        codeText: x.codeText(),
        workDir: path.join(x.work(), 'fixes'),
        signal: x.signal,
      }),
    );
  };
}

/** Each failing OpenSCAP rule gets ComplianceAsCode's remediation, as oscap writes it from the results. */
async function attachSuggestedFixes(
  io: Io,
  files: string[],
  sets: ResultSet[],
  signal?: AbortSignal,
  tailoringFile?: string,
): Promise<void> {
  for (const [i, set] of sets.entries()) {
    if (set.engine !== 'openscap' || !set.findings.some((f) => f.status === 'fail')) continue;
    const { fixes, note } = await generateFixes(files[i], signal, tailoringFile);
    if (note) io.info(note);
    else
      io.info(
        `${attachFixes(set.findings, fixes)} failing rule(s) have a suggested fix (oscap xccdf generate fix)`,
      );
  }
}
