/**
 * What the CLI says about itself: the top-level help, a stage's help (from its action.yml, with the
 * CLI's own defaults), "did you mean", and fix hints in flag syntax. Pure text, no I/O.
 */

export interface ActionInput {
  description?: string;
  default?: string | number | boolean;
  required?: boolean;
}

export interface ActionOutput {
  description?: string;
}

/** The stages in pipeline order, one line each. */
export const STAGE_LINES: Array<[string, string]> = [
  ['bake', 'build the image with Packer; record the CIS changes it carries and its input fingerprint'],
  ['verify', 'bring up a Terraform test environment from the AMI, run smoke checks, always destroy it'],
  ['scan', 'scan the image (OpenSCAP, or read OpenSCAP/InSpec/Lynis results), score, gate, annotate'],
  ['promote', 'make a passed AMI golden: copy it encrypted, share, publish to SSM, retire old images'],
];

/** Not a stage: the plan of a fleet of image families (cli/src/fleet.ts). */
export const FLEET_LINE =
  'the matrix of images.yml (one entry per family and architecture) a caller runs golden-ami.yml over';

/** Examples the help shows; the tests parse each against its stage's inputs. */
export const EXAMPLES: string[][] = [
  ['bake', '--template', 'packer/ubuntu.pkr.hcl', '--hardening-scripts', 'scripts/**'],
  [
    'scan',
    '--target',
    'chroot:/mnt/image',
    '--hardening-scripts',
    'scripts/**',
    '--report-html',
    'report.html',
  ],
  ['scan', '--results', 'out/arf.xml', '--hardening-scripts', 'scripts/**', '--fail-on', 'implemented'],
  ['promote', '--ami-id', 'ami-0123456789abcdef0', '--regions', 'us-east-1,eu-west-1', '--dry-run', 'true'],
];

const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

export function mainHelp(version: string): string {
  const pad = Math.max(...STAGE_LINES.map(([s]) => s.length)) + 2;
  return [
    `ami-bakery ${version}: the stages of the ami-bakery GitHub Actions, run from a shell.`,
    '',
    'Usage:',
    '  ami-bakery <stage> [--<input> <value> ...]',
    "  ami-bakery <stage> --help    the stage's inputs (required ones marked), defaults and outputs",
    '  ami-bakery --version',
    '',
    'Stages, in pipeline order:',
    ...STAGE_LINES.map(([s, line]) => `  ${s.padEnd(pad)}${line}`),
    '',
    'A fleet of image families (docs/fleet.md):',
    `  ${'fleet'.padEnd(pad)}${FLEET_LINE}`,
    '  ami-bakery fleet --images images.yml --schedule "0 5 * * *"',
    '',
    "What changed between two images of a family (their scans' JSON reports):",
    '  ami-bakery diff golden.json next.json    score, controls newly failing and fixed, packages, CVEs',
    '  ami-bakery diff ami-0aaa… ami-0bbb… --history "reports/*.json"    the same, by AMI id',
    '',
    "Each flag is the action input of the same name (the stage's action.yml). A list is one value,",
    'comma- or newline-separated. Outputs are printed as name=value lines at the end (and appended to',
    '$GITHUB_OUTPUT when it is set). Files a stage writes by default go to ./ami-bakery-output/',
    '($RUNNER_TEMP/ami-bakery when RUNNER_TEMP is set).',
    '',
    'Examples:',
    ...EXAMPLES.map((e) => `  ami-bakery ${e.map(shellWord).join(' ')}`),
    '',
    'Exit codes:',
    '  0  success',
    '  1  a gate failed, or the run failed',
    '  2  bad input or a missing tool: refused before anything was done',
    '',
    'Environment:',
    "  AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...  the AWS SDK's credentials and region",
    '  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ...      AWS endpoints (a sandbox, moto, a VPC endpoint)',
    '  GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA      with these, scan publishes a check run',
    '  GITHUB_WORKSPACE                                 the repository root (else the git root of .)',
    '  RUNNER_TEMP                                      where default output files go',
  ].join('\n');
}

const indent = (text: string, by: string) =>
  text
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/^/, by);

/** Wrap one paragraph to `width` columns, each line indented by `by`. */
function wrap(text: string, by: string, width = 100): string {
  const words = indent(text, '').split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && by.length + line.length + 1 + w.length > width) {
      lines.push(by + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(by + line);
  return lines.join('\n');
}

/**
 * A stage's help: inputs with their CLI defaults (`defaults`: what the CLI really uses), required
 * ones marked, then the outputs.
 */
export function stageHelp(
  stage: string,
  inputs: Record<string, ActionInput>,
  outputs: Record<string, ActionOutput>,
  defaults: Record<string, string>,
  shownDefault: (name: string) => string | undefined,
): string {
  const line = STAGE_LINES.find(([s]) => s === stage)?.[1] ?? (stage === 'fleet' ? FLEET_LINE : '');
  const out = [`ami-bakery ${stage}: ${line}`, '', 'Inputs (* required):'];
  for (const [name, spec] of Object.entries(inputs)) {
    const shown = shownDefault(name) ?? defaults[name];
    const head = `  --${name}${spec.required ? ' *' : ''}${shown ? `  (default: ${shown})` : ''}`;
    out.push(head, wrap(spec.description ?? '', '      '));
  }
  out.push('', 'Outputs (printed as name=value at the end):');
  for (const [name, spec] of Object.entries(outputs))
    out.push(`  ${name}`, wrap(spec.description ?? '', '      '));
  return out.join('\n');
}

/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known names a mistyped one most likely meant: close in spelling, or the word it starts. */
export function didYouMean(word: string, known: string[]): string[] {
  const w = word.toLowerCase();
  const scored = known
    .map((k) => {
      const d = distance(w, k);
      const prefix = w.length >= 3 && (k.startsWith(w) || w.startsWith(k));
      return { k, d: prefix ? Math.min(d, 1) : d };
    })
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(Math.max(k.length, w.length) / 4)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return scored.slice(0, 3).map(({ k }) => k);
}

/**
 * A fix hint written for the action (`e.g. template: x`) in the CLI's words (`e.g. --template x`):
 * each `name: ` of a known input becomes `--name `.
 */
export function inFlagSyntax(text: string, names: string[]): string {
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const alt = byLength.map((n) => n.replace(/[-]/g, '\\-')).join('|');
  if (!alt) return text;
  return text.replace(new RegExp(`(^|[\\s(,;])(${alt}): `, 'g'), '$1--$2 ');
}
