/**
 * A fleet of image families (issue 25): `images.yml` lists, per family, the inputs of the reusable
 * workflow golden-ami.yml, and this plan turns it into the matrix a caller workflow runs it over
 * (examples/workflows/golden-fleet.yml): one entry per family and architecture, each carrying every
 * input of the workflow, so `${{ matrix.<input> }}` is never a silent blank.
 *
 *   defaults:            # any golden-ami.yml input, for every family
 *     aws-region: us-east-1
 *   families:
 *     ubuntu-22.04-cis:  # the family name (letters, digits, . _ -)
 *       template: ubuntu-22.04-cis.pkr.hcl
 *       architectures: { x86_64: amazon-ebs.ubuntu, arm64: amazon-ebs.ubuntu-arm64 }
 *       schedule: "0 5 * * *"         # the rebake's cron(s)
 *       rescan-schedule: "0 6 * * 1"  # the re-scan's
 *
 * Pure: the document (parsed YAML) and the workflow's declared inputs in, the matrix out, or an
 * InputError naming the field. Whether the paths exist is the CLI's part (cli.ts).
 */
import { InputError } from '../../shared/src/errors.js';
import { didYouMean } from './help.js';

/** An input of golden-ami.yml's `on.workflow_call.inputs`. */
export interface DeclaredInput {
  type: 'string' | 'boolean' | 'number';
  required?: boolean;
  default?: string | boolean | number;
}

export type Entry = Record<string, string | boolean>;

export interface Fleet {
  entries: Entry[];
  /** families with no entry on this schedule */
  notScheduled: string[];
}

/** EC2's architectures (DescribeImages' Architecture). */
export const ARCHITECTURES = ['i386', 'x86_64', 'arm64', 'x86_64_mac', 'arm64_mac'] as const;
/** GitHub runs at most 256 jobs from one matrix. */
export const MAX_MATRIX = 256;
/** GitHub keeps at most 1 MB of a job's outputs: the matrix is one. */
export const MAX_MATRIX_BYTES = 1_000_000;
/** golden-ami.yml's own rule for family (its setup job refuses anything else). */
const FAMILY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A Packer build name: `amazon-ebs.ubuntu`, or a named build's `web.amazon-ebs.ubuntu`. */
const BUILD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Five cron fields, as GitHub's `on.schedule` takes them. */
const CRON = /^[0-9A-Za-z*/,-]+( [0-9A-Za-z*/,-]+){4}$/;
/** Keys the plan sets itself. */
const PLANNED = ['family', 'rescan'];
/** Keys of images.yml that are not workflow inputs. */
const OWN = ['architectures', 'schedule', 'rescan-schedule'];
/** Inputs that take a list: a YAML list is joined as the workflow reads it. */
const LIST_SEPARATOR: Record<string, string> = {
  'promote-regions': ',',
  'promote-accounts': ',',
  'share-with': ',',
  'rescan-regions': ',',
  only: ',',
  'hardening-scripts': '\n',
  waivers: '\n',
  'packer-vars': '\n',
  'launch-templates': '\n',
  'kms-key-ids': '\n',
};

/** Inputs that are numbers: anything else written as a YAML number is refused (YAML reads
 * 012345678901, an account id, as 12345678901). */
const NUMERIC = ['min-score', 'retain'];

type Section = Record<string, unknown>;

const isMap = (v: unknown): v is Section => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The matrix of `doc` (images.yml, parsed) for golden-ami.yml's `declared` inputs. */
export function planFleet(
  doc: unknown,
  declared: Record<string, DeclaredInput>,
  o: { file: string; schedule?: string },
): Fleet {
  const where = (key: string) => `${o.file}: ${shownKey(key)}`;
  if (!isMap(doc))
    throw new InputError(o.file, 'is not a mapping.', 'write `families:` with one entry per image family.');
  for (const k of Object.keys(doc))
    if (k !== 'defaults' && k !== 'families')
      throw new InputError(where(k), 'is not a key of images.yml.', 'use defaults: and families:.');
  const defaults = doc.defaults ?? {};
  if (!isMap(defaults)) throw new InputError(where('defaults'), 'is not a mapping of inputs.');
  const families = doc.families;
  if (!isMap(families) || Object.keys(families).length === 0)
    throw new InputError(
      where('families'),
      'lists no family.',
      'give at least one: families: { name: { … } }.',
    );
  const schedule = o.schedule?.trim() ?? '';
  if (schedule && !CRON.test(schedule))
    throw new InputError('schedule', 'is not a cron of five fields.', 'pass github.event.schedule.');
  const base = section(defaults, 'defaults', declared, where);
  const entries: Entry[] = [];
  const notScheduled: string[] = [];
  for (const [name, raw] of Object.entries(families)) {
    const key = `families.${name}`;
    if (!FAMILY.test(name))
      throw new InputError(
        where(key),
        'is not a family name.',
        'letters, digits, . _ - (starting with a letter or digit, at most 64).',
      );
    if (!isMap(raw)) throw new InputError(where(key), 'is not a mapping of inputs.');
    const own = section(raw, key, declared, where);
    const merged = { ...base, ...own };
    const rescan = onSchedule(merged, schedule, key, where);
    if (rescan === undefined) {
      notScheduled.push(name);
      continue;
    }
    for (const [arch, build] of architecturesOf(merged, key, where)) {
      const family = arch ? `${name}-${arch}` : name;
      if (!FAMILY.test(family))
        throw new InputError(where(key), `makes the family "${family}", longer than 64 characters.`);
      if (entries.some((e) => e.family === family))
        throw new InputError(where(key), `makes the family "${family}" a second time.`);
      entries.push(entry(merged, declared, { family, arch, build, rescan }, key, where));
    }
  }
  if (entries.length > MAX_MATRIX)
    throw new InputError(
      o.file,
      `makes ${entries.length} images, more than the ${MAX_MATRIX} jobs GitHub runs from one matrix.`,
      'split it into several files (and caller workflows).',
    );
  if (JSON.stringify(entries).length > MAX_MATRIX_BYTES)
    throw new InputError(o.file, 'makes a matrix over the 1 MB GitHub keeps of a job output.');
  return { entries, notScheduled };
}

/** A key path as messages show it: a key of images.yml is foreign text (one line, at most 64 characters each part). */
function shownKey(key: string): string {
  return key
    .split('.')
    .map((k) => {
      const one = JSON.stringify(k).slice(1, -1);
      return one.length > 64 ? `${one.slice(0, 40)}…(${k.length} characters)` : one;
    })
    .join('.');
}

/** A section's keys checked and its values normalised (lists joined, numbers as text). */
function section(
  raw: Section,
  key: string,
  declared: Record<string, DeclaredInput>,
  where: (k: string) => string,
): Section {
  const known = [...Object.keys(declared).filter((k) => !PLANNED.includes(k)), ...OWN];
  const out: Section = {};
  for (const [k, v] of Object.entries(raw)) {
    const at = where(`${key}.${k}`);
    if (PLANNED.includes(k))
      throw new InputError(
        at,
        'is set by the plan, not by images.yml.',
        k === 'family'
          ? 'the key under families: is the family name.'
          : 'give rescan-schedule: the cron of the re-scan.',
      );
    if (!known.includes(k)) {
      const near = didYouMean(k, known);
      throw new InputError(
        at,
        'is not an input of golden-ami.yml.',
        near.length ? `did you mean ${near.join(' or ')}?` : undefined,
      );
    }
    if (v === null || v === undefined)
      throw new InputError(at, 'has no value.', 'give one, or leave the key out for the default.');
    out[k] = OWN.includes(k) ? v : inputValue(v, declared[k], k, at);
  }
  return out;
}

function inputValue(v: unknown, d: DeclaredInput, k: string, at: string): string | boolean {
  if (d.type === 'boolean') {
    if (typeof v !== 'boolean') throw new InputError(at, 'must be true or false (a YAML boolean, not text).');
    return v;
  }
  if (typeof v === 'string') return v;
  const quote = 'quote it: YAML reads 012345678901 (an account id) as the number 12345678901.';
  if (typeof v === 'number') {
    if (NUMERIC.includes(k) && Number.isFinite(v)) return String(v);
    throw new InputError(at, 'is a YAML number, not text.', quote);
  }
  const sep = LIST_SEPARATOR[k];
  if (Array.isArray(v) && sep) {
    if (v.length === 0) throw new InputError(at, 'is an empty list.', 'leave the key out for the default.');
    v.forEach((x, i) => {
      if (typeof x === 'number') throw new InputError(`${at}.${i}`, 'is a YAML number, not text.', quote);
      if (typeof x !== 'string' || x.trim() === '' || x.includes(sep))
        throw new InputError(
          `${at}.${i}`,
          `must be a non-empty string without "${sep === ',' ? ',' : '\\n'}".`,
        );
    });
    return v.join(sep);
  }
  throw new InputError(at, sep ? 'must be a string or a list of strings.' : 'must be a string.');
}

/** undefined: not on this schedule; else whether it is the re-scan. */
function onSchedule(
  s: Section,
  schedule: string,
  key: string,
  where: (k: string) => string,
): boolean | undefined {
  const crons = (k: string): string[] => {
    const v = s[k];
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    for (const c of list)
      if (typeof c !== 'string' || !CRON.test(c.trim()))
        throw new InputError(where(`${key}.${k}`), 'must be a cron of five fields, or a list of them.');
    return list.map((c) => (c as string).trim());
  };
  const rebake = crons('schedule');
  const rescan = crons('rescan-schedule');
  const both = rebake.find((c) => rescan.includes(c));
  if (both)
    throw new InputError(
      where(key),
      `has "${both}" as both its schedule and its rescan-schedule.`,
      'give the re-scan a cron of its own.',
    );
  if (!schedule) return false;
  if (rebake.includes(schedule)) return false;
  if (rescan.includes(schedule)) return true;
  return undefined;
}

/** [architecture, build] pairs; ['', ''] for a family of one image. */
function architecturesOf(s: Section, key: string, where: (k: string) => string): Array<[string, string]> {
  const v = s.architectures;
  if (v === undefined) return [['', '']];
  const at = where(`${key}.architectures`);
  if (!isMap(v) || Object.keys(v).length === 0)
    throw new InputError(at, 'must map each architecture to its Packer build.', 'x86_64: amazon-ebs.ubuntu');
  if (typeof s.only === 'string' && s.only !== '')
    throw new InputError(
      at,
      'and only are both given.',
      'architectures sets only per architecture: drop only.',
    );
  const out: Array<[string, string]> = [];
  for (const [arch, build] of Object.entries(v)) {
    if (!(ARCHITECTURES as readonly string[]).includes(arch))
      throw new InputError(
        `${at}.${arch}`,
        'is not an EC2 architecture.',
        `use one of ${ARCHITECTURES.join(', ')}.`,
      );
    if (typeof build !== 'string' || !BUILD.test(build))
      throw new InputError(`${at}.${arch}`, 'is not a Packer build name.', 'e.g. amazon-ebs.ubuntu-arm64.');
    if (out.some(([, b]) => b === build))
      throw new InputError(`${at}.${arch}`, `names the build ${build} for a second architecture.`);
    out.push([arch, build]);
  }
  return out;
}

function entry(
  s: Section,
  declared: Record<string, DeclaredInput>,
  p: { family: string; arch: string; build: string; rescan: boolean },
  key: string,
  where: (k: string) => string,
): Entry {
  const e: Entry = { family: p.family, architecture: p.arch };
  for (const [k, d] of Object.entries(declared)) {
    if (PLANNED.includes(k)) continue;
    const v = s[k] ?? d.default ?? (d.type === 'boolean' ? false : '');
    if (d.required && (v === '' || v === undefined) && !(k === 'only' && p.build))
      throw new InputError(
        where(key),
        `has no ${k}, which golden-ami.yml requires.`,
        `set ${k} in the family or in defaults.`,
      );
    e[k] = typeof v === 'boolean' ? v : String(v);
  }
  if (p.build) e.only = p.build;
  e.rescan = p.rescan;
  return e;
}
