/**
 * Failures the hardening code cannot cause, told apart from "claimed and failing" (issue 23):
 *   - not-installed: the code installs the package, the image has none: the install did not run
 *     (an offline build, a failed download);
 *   - offline-state: a check of running state (a service running, a kernel runtime value, a mount)
 *     on a root filesystem scanned offline, where nothing runs;
 *   - content-misfit: a check of this content release that does not fit the platform, from a small
 *     table (data/content-misfits.json), each entry citing the upstream change that fixed it.
 * They keep failing, and count in the score unless waived: the class says why, and a waiver citing
 * it is the way out. Pure: the code of a marker block comes in as text.
 */
import { shortRuleId } from '../../shared/src/cis-map.js';
import { escapeRegExp } from '../../shared/src/regexp.js';
import misfits from '../data/content-misfits.json' with { type: 'json' };
import type { PlannedAnnotation } from './report/annotations.js';

export type FailureClass = NonNullable<PlannedAnnotation['failureClass']>;

export const CLASS_LABEL: Record<FailureClass, string> = {
  'not-installed': 'install did not run',
  'offline-state': 'running state, scanned offline',
  'content-misfit': 'content does not fit the platform',
};

export interface Classified {
  class: FailureClass;
  /** why, in a sentence, with the evidence */
  why: string;
}

export interface ClassifyContext {
  /** the scan read a root filesystem offline (chroot), where no service runs and nothing is mounted */
  offline: boolean;
  /** the content release (e.g. 0.1.65) and product (e.g. ubuntu2204), when known */
  release?: string;
  product?: string;
  /** the code of the marker block that implements the control, and of its whole file */
  blockText: (a: PlannedAnnotation) => string | undefined;
  fileText: (a: PlannedAnnotation) => string;
  /** what the check expected and found */
  expected: (a: PlannedAnnotation) => string;
  found: (a: PlannedAnnotation) => string;
}

const INSTALL =
  /\b(?:apt-get|apt|dnf|yum|zypper|apk|microdnf)\b[^\n]*\binstall\b|\bpackage:|\bansible\.builtin\.(?:apt|package|dnf|yum)\b/;

/** The packages the check found missing: "nothing found for name sudo" where it expected the package. */
function missingPackages(expected: string, found: string): string[] {
  const wanted = [...expected.matchAll(/package (\S+) is installed/g)].map((m) => m[1]);
  return wanted.filter((p) => new RegExp(`nothing found for name ${escapeRegExp(p)}\\b`).test(found));
}

/** Shell functions of the file whose body installs packages (`install_pkg() { apt-get install -y "$@"; }`). */
function installHelpers(file: string): string[] {
  return [...file.matchAll(/^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)\s*\{([\s\S]*?)^\s*\}/gm)]
    .filter((m) => INSTALL.test(m[2]))
    .map((m) => m[1]);
}

/** The block installs `pkg`: an install command (or the file's own install helper) naming it. */
function installs(block: string, file: string, pkg: string): boolean {
  const word = new RegExp(`(^|[\\s'"=,\\[])${escapeRegExp(pkg)}($|[\\s'",\\]])`, 'm');
  const helpers = installHelpers(file);
  const helper = helpers.length ? new RegExp(`^\\s*(?:${helpers.join('|')})\\b`) : undefined;
  return block
    .split('\n')
    .some(
      (line, i, all) =>
        word.test(line) &&
        (INSTALL.test(line) ||
          !!helper?.test(line) ||
          INSTALL.test(all.slice(Math.max(0, i - 3), i).join('\n'))),
    );
}

export function classifyFailure(a: PlannedAnnotation, ctx: ClassifyContext): Classified | undefined {
  if (a.status !== 'fail' && a.status !== 'error') return undefined;
  const rule = shortRuleId(a.ruleId);
  const misfit = misfits.entries.find(
    (e) => e.rule === rule && !!ctx.release && e.releases.includes(ctx.release) && e.product === ctx.product,
  );
  if (misfit)
    return {
      class: 'content-misfit',
      why: `In ComplianceAsCode ${ctx.release} for ${misfit.product}, ${misfit.why}; ${misfit.fixed} (${misfit.upstream}).`,
    };
  const expected = ctx.expected(a);
  const found = ctx.found(a);
  const missing = missingPackages(expected, found);
  const block = a.implemented ? ctx.blockText(a) : undefined;
  // the package may be installed by the control's own block, or by another block of the same file
  const file = block ? ctx.fileText(a) : '';
  const here = block ? missing.filter((p) => installs(block, file, p)) : [];
  const installed = here.length ? here : missing.filter((p) => installs(file, file, p));
  if (installed.length)
    return {
      class: 'not-installed',
      why: `${here.length ? `The code at ${a.file}:${a.line}` : `${a.file}`} installs ${installed.join(', ')}, but the image has no ${installed.join(', ')}: the install did not run (an offline build, or a download that failed). Check the bake log.`,
    };
  if (!ctx.offline) return undefined;
  if (/service is running|\bsystemd test\b/i.test(expected) && !missing.length)
    return {
      class: 'offline-state',
      why: 'The check wants the service running; a root filesystem scanned offline runs nothing. Verify it on the test instance (target ssh://…).',
    };
  if (/runtime|kernel parameter/i.test(expected) || /nothing found for mount_point\b/.test(found))
    return {
      class: 'offline-state',
      why: 'The check reads running state (a kernel runtime value or a mount), which a root filesystem scanned offline does not have. Verify it on the test instance (target ssh://…).',
    };
  return undefined;
}
