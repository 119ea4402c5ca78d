/**
 * Promote's pure logic: its configuration, input parsing, the provenance gate, the destination plan,
 * the tags copies carry, and which old images retention may retire. No AWS calls here.
 */
import { createHash } from 'node:crypto';
import { imageTags, TAG, TAG_PREFIX } from '../../shared/src/aws/tags.js';
import { AMI_ID, validateRegion } from '../../shared/src/aws/validate.js';
import { InputError } from '../../shared/src/errors.js';
import { parseDecimal, splitList } from '../../shared/src/inputs.js';
import { checkSchema } from '../../shared/src/schema.js';

export function parseAccounts(list: string[], input = 'accounts'): string[] {
  for (const a of list) {
    if (!/^\d{12}$/.test(a))
      throw new InputError(
        input,
        `"${a}" is not a 12-digit AWS account id.`,
        'list account ids such as 123456789012, one per line.',
      );
  }
  return [...new Set(list)];
}

/** The most source images one promote run carries (a family's architectures, or a few families). */
export const MAX_SOURCES = 20;
/** EC2's Architecture values, and what bake's `ami-ids` keys are */
const ARCH_RE = /^(x86_64|arm64|i386|x86_64_mac|arm64_mac)$/;
const AMI_IDS_SCHEMA = {
  type: 'object',
  minProperties: 1,
  maxProperties: MAX_SOURCES,
  propertyNames: { pattern: ARCH_RE.source },
  additionalProperties: { type: 'string', pattern: AMI_ID.source },
} as const;

/**
 * `ami-id`: one AMI id, a list of them (comma or newline separated), or bake's `ami-ids` JSON
 * (architecture → AMI), whose architectures are then checked against EC2's. Duplicates are refused:
 * the same source twice in one run is a mistake in the workflow, not something to guess about.
 */
export function parseAmiIds(
  raw: string,
  input = 'ami-id',
): { ids: string[]; expectedArch: Record<string, string> } {
  const t = raw.trim();
  const eg = "e.g. ami-id: ami-0123456789abcdef0, a list of AMI ids, or bake's ami-ids output";
  if (!t) throw new InputError(input, 'is required but was empty.', eg);
  if (t.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (e) {
      throw new InputError(input, `starts with { and is not valid JSON: ${(e as Error).message}.`, eg);
    }
    let byArch: Record<string, string>;
    try {
      byArch = checkSchema<Record<string, string>>(
        AMI_IDS_SCHEMA,
        doc,
        "bake's ami-ids (a JSON map architecture → AMI id)",
      );
    } catch (e) {
      throw new InputError(
        input,
        `is not ${(e as Error).message}.`,
        'give {"x86_64": "ami-…", "arm64": "ami-…"}, with EC2\'s architecture names as keys.',
      );
    }
    const ids = Object.values(byArch);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length)
      throw new InputError(
        input,
        `names ${twice[0]} under two architectures.`,
        'one AMI has one architecture.',
      );
    return { ids, expectedArch: Object.fromEntries(Object.entries(byArch).map(([a, id]) => [id, a])) };
  }
  const ids = splitList(t);
  if (ids.length > MAX_SOURCES)
    throw new InputError(
      input,
      `lists ${ids.length} AMIs; one promote run carries at most ${MAX_SOURCES}.`,
      'split the images over several promote steps (a family per step).',
    );
  for (const id of ids)
    if (!AMI_ID.test(id))
      throw new InputError(
        input,
        `"${id.slice(0, 80)}" is not an AMI id.`,
        'use the form ami-0123456789abcdef0 (bake outputs it as ami-id).',
      );
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (twice.length) throw new InputError(input, `lists ${twice[0]} twice.`, 'list each source image once.');
  return { ids, expectedArch: {} };
}

/**
 * Several sources in one run, read: their copies' names, their SSM parameters and their family ×
 * architecture must differ (AMI names are unique per account and region; one parameter names one
 * image; retention and stale candidates keep to one family × architecture).
 */
export function checkSourcesApart(
  sources: ReadonlyArray<{
    amiId: string;
    name: string;
    family: string;
    architecture?: string;
    ssmParameter?: string;
  }>,
): void {
  const clash = (key: (s: (typeof sources)[number]) => string | undefined) => {
    const seen = new Map<string, string>();
    for (const s of sources) {
      const k = key(s);
      if (k === undefined) continue;
      const other = seen.get(k);
      if (other) return [other, s.amiId, k] as const;
      seen.set(k, s.amiId);
    }
    return undefined;
  };
  const named = clash((s) => s.name);
  if (named)
    throw new InputError(
      'name',
      `${named[0]} and ${named[1]} would both be copied as "${named[2]}", and AMI names are unique per account and region.`,
      'put {arch} or {source} in name, e.g. golden-ubuntu-22.04-{arch}-{date}-{sha}.',
    );
  const parameter = clash((s) => s.ssmParameter);
  if (parameter)
    throw new InputError(
      'ssm-parameter',
      `${parameter[0]} and ${parameter[1]} would both be published as ${parameter[2]}: one parameter names one image.`,
      'give the sources different architectures, or promote them in separate steps.',
    );
  const kind = clash((s) => `${s.family} (${s.architecture ?? 'no architecture'})`);
  if (kind)
    throw new InputError(
      'ami-id',
      `${kind[0]} and ${kind[1]} are both of family ${kind[2]}: retention keeps the newest golden images of a family per architecture, so one run promotes one image of each.`,
      'promote one of them, or name the copies into different families.',
    );
}

export function parseRegions(list: string[], input = 'regions'): string[] {
  for (const r of list) validateRegion(input, r);
  return [...new Set(list)];
}

/** `region=key`, `account:region=key` lines, or a JSON object of the same keys. */
export function parseKmsKeys(raw: string, input = 'kms-key-ids'): Map<string, string> {
  const out = new Map<string, string>();
  const t = raw.trim();
  if (!t) return out;
  let entries: Array<[string, string]>;
  if (t.startsWith('{')) {
    try {
      entries = Object.entries(JSON.parse(t)).map(([k, v]) => [k, String(v)]);
    } catch (e) {
      throw new InputError(
        input,
        `is not valid JSON: ${(e as Error).message}.`,
        'use {"us-east-1":"alias/golden-ami"} or region=key lines.',
      );
    }
  } else {
    entries = t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const eq = l.indexOf('=');
        if (eq <= 0)
          throw new InputError(
            input,
            `"${l}" is not region=key.`,
            'e.g. eu-west-1=alias/golden-ami or 123456789012:eu-west-1=arn:aws:kms:...',
          );
        return [l.slice(0, eq).trim(), l.slice(eq + 1).trim()];
      });
  }
  for (const [k, v] of entries) {
    const m = /^(?:(\d{12}):)?([a-z0-9-]+)$/.exec(k);
    if (!m)
      throw new InputError(
        input,
        `"${k}" is not a region or account:region.`,
        'e.g. eu-west-1 or 123456789012:eu-west-1',
      );
    parseRegions([m[2]], input);
    if (
      !/^(alias\/[\w/_-]+|[0-9a-f-]{36}|arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[\w/_-]+)|mrk-[0-9a-f]{32})$/.test(
        v,
      )
    ) {
      throw new InputError(
        input,
        `"${v}" (for ${k}) is not a KMS key id, ARN or alias.`,
        'use a key id, key ARN, alias/name or alias ARN.',
      );
    }
    out.set(k, v);
  }
  return out;
}

export function kmsKeyFor(keys: Map<string, string>, account: string, region: string): string | undefined {
  return keys.get(`${account}:${region}`) ?? keys.get(region);
}

export interface ShareTargets {
  accounts: string[];
  organizations: string[];
  organizationalUnits: string[];
  /** `all`: public (refused where the account's AMI Block Public Access blocks new public sharing) */
  public?: boolean;
}

export function parseShareWith(list: string[], input = 'share-with'): ShareTargets {
  const out: ShareTargets = { accounts: [], organizations: [], organizationalUnits: [] };
  for (const v of list) {
    if (v === 'all') out.public = true;
    else if (/^\d{12}$/.test(v)) out.accounts.push(v);
    else if (/^arn:aws[\w-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/.test(v))
      out.organizations.push(v);
    else if (
      /^arn:aws[\w-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/.test(v)
    )
      out.organizationalUnits.push(v);
    else
      throw new InputError(
        input,
        `"${v}" is not an account id, organization ARN or OU ARN.`,
        'e.g. 123456789012, arn:aws:organizations::111122223333:organization/o-abc123def4',
      );
  }
  return out;
}

/** AWS refuses a deprecation time more than 10 years ahead. */
export const MAX_AGE_MS = 10 * 365 * 86_400_000;

/** "90d", "12h", "2w" → milliseconds: more than zero, at most 10 years. */
export function parseAge(raw: string, input: string, maxMs = MAX_AGE_MS): number | undefined {
  if (!raw) return undefined;
  const m = /^(\d{1,7})\s*([hdw])$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'h'] : Number.NaN;
  if (!m || !(ms > 0) || ms > maxMs)
    throw new InputError(
      input,
      m ? `"${raw}" is ${ms > 0 ? 'longer than 10 years' : 'zero'}.` : `"${raw}" is not a duration.`,
      'use hours, days or weeks above zero and within 10 years, e.g. 90d, 36h, 4w (leave it empty for none).',
    );
  return ms;
}

/** The destination name: `{date}` (YYYYMMDD), `{time}` (HHMMSS), `{sha}` (7), `{source}` (source AMI name). */
export function renderName(
  template: string,
  ctx: { sha: string; sourceName: string; now: Date; arch?: string },
): string {
  const iso = ctx.now.toISOString();
  const name = (template || '{source}')
    .replace(/\{arch\}/g, ctx.arch ?? 'x86_64')
    .replace(/\{date\}/g, iso.slice(0, 10).replace(/-/g, ''))
    .replace(/\{time\}/g, iso.slice(11, 19).replace(/:/g, ''))
    .replace(/\{sha\}/g, ctx.sha.slice(0, 7))
    .replace(/\{source\}/g, ctx.sourceName);
  if (!/^[\w ()./\-'@]{3,128}$/.test(name)) {
    throw new InputError(
      'name',
      `"${name}" is not a valid AMI name (3–128 of letters, digits, ( ) . - / ' @ _ and spaces).`,
      'e.g. golden-ubuntu-22.04-{date}-{sha}',
    );
  }
  return name;
}

/**
 * An SSM parameter name for one architecture: `{arch}` made EC2's architecture of the image
 * (`/golden/ubuntu-22.04/{arch}` → `/golden/ubuntu-22.04/arm64`). Unknown architecture: refused.
 */
export function archParameter(name: string, arch: string | undefined): string {
  if (!name.includes('{arch}')) return name;
  if (!arch)
    throw new InputError(
      'ssm-parameter',
      `"${name.slice(0, 80)}" names {arch}, and EC2 gives no architecture for the image.`,
      'name the parameter without {arch}, or check the image.',
    );
  return name.replace(/\{arch\}/g, arch);
}

/** The family of a name template: the text before its first placeholder (for retention). */
export function nameFamily(template: string, sourceName: string): string {
  const t = template || '{source}';
  const i = t.search(/\{(date|time|sha|arch)\}/);
  return (i >= 0 ? t.slice(0, i) : t).replace(/\{source\}/g, sourceName);
}

// ---------- the gate ----------

export interface Requirement {
  key: string;
  op: '=' | '>=';
  value: string;
  raw: string;
}

/** The gate when `require` is empty or blank: an empty gate input never lets everything through. */
export const DEFAULT_REQUIRE = 'verify=passed,scan=passed';

/**
 * `verify=passed,scan=passed,score>=80` → tag requirements (score is ami-bakery:cis-score).
 * Empty or blank means the default gate; `none` (alone) turns the gate off, explicitly ([]).
 */
export function parseRequire(raw: string): Requirement[] {
  const text = raw.trim() || DEFAULT_REQUIRE;
  if (text.toLowerCase() === 'none') return [];
  const items = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  // "," or " , \n , " is not blank and names no requirement: never the same as none.
  if (!items.length)
    throw new InputError(
      'require',
      `${JSON.stringify(raw.slice(0, 40))} names no requirement.`,
      'list requirements (e.g. verify=passed,scan=passed,score>=80), leave it empty for the default, or write none to turn the gate off.',
    );
  return items.map((r) => {
    if (r.toLowerCase() === 'none')
      throw new InputError(
        'require',
        '"none" turns the gate off and stands alone.',
        'use require: none alone, or list the requirements.',
      );
    const m = /^([\w:-]+)\s*(>=|=)\s*([^=<>!\s][^=<>!]*)$/.exec(r);
    if (!m)
      throw new InputError(
        'require',
        `"${r}" is not key=value or key>=number.`,
        'e.g. verify=passed,scan=passed,score>=80',
      );
    const key = m[1].includes(':') ? m[1] : m[1] === 'score' ? TAG.cisScore : `${TAG_PREFIX}${m[1]}`;
    if (m[2] === '>=' && parseDecimal(m[3]) === undefined)
      throw new InputError('require', `"${r}": ${m[3]} is not a plain decimal number.`, 'e.g. score>=80');
    return { key, op: m[2] as '=' | '>=', value: m[3].trim(), raw: r };
  });
}

/** Which stage writes each provenance tag, for the gate's message. */
const SET_BY: Record<string, string> = {
  [TAG.verify]: 'written by action-verify when it knows the region, tag-ami',
  [TAG.scan]: 'written by action-scan when given ami-id',
  [TAG.cisScore]: 'written by action-scan when given ami-id',
  [TAG.vulnerable]: 'written by action-scan when given ami-id and vulnerabilities (Inspector)',
};

export function evaluateGate(reqs: Requirement[], tags: Record<string, string>): string[] {
  const problems: string[] = [];
  // A gate (any gate, the default included) refuses an image a scan marked vulnerable, unless the
  // requirements speak of that tag themselves; only require: none (no gate at all) lets it through.
  if (reqs.length && tags[TAG.vulnerable] === 'true' && !reqs.some((r) => r.key === TAG.vulnerable))
    problems.push(
      `the AMI is tagged ${TAG.vulnerable}=true (${(tags[TAG.vulnerableReason] ?? 'no reason recorded').slice(0, 200)}): a scan found a vulnerability at or above its fail-on-severity, or a re-scan failed; build a new image`,
    );
  for (const r of reqs) {
    const have = tags[r.key];
    if (have === undefined)
      problems.push(`${r.raw}: the AMI has no ${r.key} tag${SET_BY[r.key] ? ` (${SET_BY[r.key]})` : ''}`);
    else if (r.op === '=' && have !== r.value) problems.push(`${r.raw}: ${r.key} is "${have}"`);
    else if (r.op === '>=' && !((parseDecimal(have) ?? Number.NaN) >= parseDecimal(r.value)!))
      problems.push(
        parseDecimal(have) === undefined
          ? `${r.raw}: ${r.key} is ${JSON.stringify(have.slice(0, 40))}, not a number`
          : `${r.raw}: ${r.key} is ${have}`,
      );
  }
  return problems;
}

// ---------- plan ----------

export type DestinationState = 'source' | 'exists' | 'pending' | 'copy';

export interface Destination {
  account: string;
  region: string;
  state: DestinationState;
  imageId?: string;
  kmsKeyId?: string;
}

/**
 * CopyImage's idempotency token for one run's copy of a source to an account and region: it makes
 * the SDK's retries of one call safe. Across runs, earlier copies are found by their source tag (a
 * token reused after a failed copy would return that failed copy).
 */
export function clientToken(sourceAmi: string, account: string, region: string, run: string): string {
  return createHash('sha256').update([sourceAmi, account, region, run].join('/')).digest('hex').slice(0, 64);
}

// ---------- retention ----------

export interface GoldenImage {
  imageId: string;
  name: string;
  creationDate: string;
  snapshotIds: string[];
}

/** The images past the newest `retain` (sorted newest first); `keep` always survives. */
export function retirementCandidates(images: GoldenImage[], retain: number, keep: string): GoldenImage[] {
  const sorted = [...images].sort((a, b) =>
    a.creationDate < b.creationDate
      ? 1
      : a.creationDate > b.creationDate
        ? -1
        : a.imageId < b.imageId
          ? 1
          : -1,
  );
  const kept = new Set(sorted.slice(0, retain).map((i) => i.imageId));
  kept.add(keep);
  return sorted.filter((i) => !kept.has(i.imageId));
}

/**
 * `all`: copy, wait, publish in one run. `stage`: start the copies (candidates, private) without the
 * gate. `publish`: the gate, then wait for (or make) the copies and publish them (`all` after a
 * stage). `discard`: remove every candidate copy of the source.
 */
export const PROMOTE_MODES = ['all', 'stage', 'publish', 'discard', 'quarantine'] as const;
export type PromoteMode = (typeof PROMOTE_MODES)[number];

export interface PromoteConfig {
  mode: PromoteMode;
  /** candidates of the family older than this, of another source, are a crashed run's: removed */
  candidateTtlMs: number;
  /** the source this config is for (one of amiIds: fanout gives each source a config of its own) */
  amiId: string;
  /** every source image of the run, in the order given */
  amiIds: string[];
  /** bake's ami-ids form: source → the architecture it was given as (checked against EC2's) */
  expectedArch: Record<string, string>;
  sourceRegion: string;
  regions: string[];
  accounts: string[];
  roleArnTemplate?: string;
  kmsKeys: Map<string, string>;
  encrypt: boolean;
  share: ShareTargets;
  tags: Record<string, string>;
  nameTemplate: string;
  /** may hold `{arch}`: the source's architecture, once it is read (archParameter) */
  ssmParameter?: string;
  /** EC2's Architecture of the source: retention, quarantine and stale candidates stay within it */
  architecture?: string;
  deprecateAfterMs?: number;
  retain?: number;
  /** optional cap on AMI copies in flight per destination account × region */
  maxConcurrency?: number;
  /** snapshot copy slots per destination account × region (EBS quota; default 20) */
  copySlots: number;
  /** time-based copies: CopyImage's SnapshotCopyCompletionDurationMinutes (15–2880, by 15) */
  copyCompletionMinutes?: number;
  /** [] only when the gate was turned off explicitly (require: none) */
  require: Requirement[];
  dryRun: boolean;
  /** the whole run's time limit: after it, promote stops waiting and says what is done */
  deadlineMs: number;
  /** launch templates that get a new version with the golden copy of their account and region */
  launchTemplates: LaunchTemplateRef[];
  /** make that version the default */
  launchTemplateDefault: boolean;
  /** start an instance refresh of the Auto Scaling groups that use those templates */
  instanceRefresh: boolean;
  minHealthyPercentage: number;
  /** EC2 deregistration protection on the golden copies (lifted, with its cooldown, before retiring) */
  deregistrationProtection: boolean;
}

/** `account:region:lt-id` or `account:region:name`. */
export interface LaunchTemplateRef {
  account: string;
  region: string;
  id?: string;
  name?: string;
  raw: string;
}

export function parseLaunchTemplates(list: string[], input = 'launch-templates'): LaunchTemplateRef[] {
  return list.map((raw) => {
    const m = /^(\d{12}):([a-z0-9-]+):(.+)$/.exec(raw.trim());
    if (!m)
      throw new InputError(
        input,
        `"${raw}" is not account:region:launch-template.`,
        'e.g. 123456789012:us-east-1:lt-0123456789abcdef0 or 123456789012:us-east-1:web-servers',
      );
    validateRegion(input, m[2]);
    const ref = m[3];
    if (/^lt-[0-9a-f]{17}$/.test(ref)) return { account: m[1], region: m[2], id: ref, raw };
    if (/^[\w().\-/]{3,128}$/.test(ref) && !ref.startsWith('lt-'))
      return { account: m[1], region: m[2], name: ref, raw };
    throw new InputError(
      input,
      `"${ref}" in "${raw}" is not a launch template id (lt-…, 17 hex digits) or name.`,
      "check the id, or give the template's name.",
    );
  });
}

/** Launch templates outside this promote's destinations: each one an error, before anything changes. */
export function launchTemplateProblems(
  refs: readonly LaunchTemplateRef[],
  accountIds: readonly string[],
  regions: readonly string[],
): string[] {
  return refs.flatMap((r) => [
    ...(accountIds.includes(r.account)
      ? []
      : [`${r.raw}: account ${r.account} is not a destination (accounts: ${accountIds.join(', ')})`]),
    ...(regions.includes(r.region)
      ? []
      : [`${r.raw}: region ${r.region} is not a destination (regions: ${regions.join(', ')})`]),
  ]);
}

/**
 * The tags every copy carries: the source's own `ami-bakery:*` provenance, the user's tags, and the
 * copy's lineage; `gate=none` when the gate was turned off. Status is added per phase.
 */
export function destinationTags(
  sourceTags: Record<string, string>,
  cfg: Pick<PromoteConfig, 'amiId' | 'sourceRegion' | 'tags' | 'require' | 'architecture'>,
  family: string,
): Record<string, string> {
  const provenance: Record<string, string> = {};
  for (const [k, v] of Object.entries(sourceTags)) if (k.startsWith(TAG_PREFIX)) provenance[k] = v;
  return {
    ...provenance,
    ...cfg.tags,
    [TAG.sourceAmi]: cfg.amiId,
    [TAG.sourceRegion]: cfg.sourceRegion,
    [TAG.family]: family,
    ...(cfg.architecture ? { [TAG.arch]: cfg.architecture } : {}),
    ...(cfg.require.length ? {} : { [TAG.gate]: 'none' }),
  };
}

/** Earlier copies of a source in one destination: the one to reuse (available, else pending) and the broken rest. */
export function classifyCopies<T extends { ImageId?: string; State?: string }>(
  found: T[],
  amiId: string,
): { usable?: T; broken: T[] } {
  const mine = found.filter((i) => i.ImageId !== amiId && i.State !== 'deregistered');
  const usable = mine.find((i) => i.State === 'available') ?? mine.find((i) => i.State === 'pending');
  const broken = mine.filter((i) => i !== usable && i.State !== 'available' && i.State !== 'pending');
  return { usable, broken };
}

/** `{ account: { region: amiId } }` of the destinations that have an image. */
export function amisOf(
  ds: Array<{ account: string; region: string; imageId?: string }>,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const d of ds) {
    if (!d.imageId) continue;
    out[d.account] ??= {};
    out[d.account][d.region] = d.imageId;
  }
  return out;
}

/**
 * Candidate copies a crashed run left behind: of the same family, of another source than this run's,
 * and older than the TTL. (This run's own candidates are reused, never swept.)
 */
export function staleCandidates<
  T extends { ImageId?: string; CreationDate?: string; Tags?: Array<{ Key?: string; Value?: string }> },
>(images: T[], currentAmi: string, nowMs: number, ttlMs: number): T[] {
  return images.filter((i) => {
    const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const created = Date.parse(i.CreationDate ?? '');
    return (
      tags[TAG.status] === 'candidate' &&
      tags[TAG.sourceAmi] !== currentAmi &&
      Number.isFinite(created) &&
      nowMs - created > ttlMs
    );
  });
}

/**
 * Where quarantine points an SSM parameter back to: the newest available golden image of the family
 * that passed its last scan, is not marked vulnerable, and is not one being quarantined.
 */
export function rollbackTarget<
  T extends {
    ImageId?: string;
    CreationDate?: string;
    State?: string;
    Tags?: Array<{ Key?: string; Value?: string }>;
  },
>(golden: readonly T[], quarantined: ReadonlySet<string>): T | undefined {
  return golden
    .filter((i) => (i.State === undefined || i.State === 'available') && !quarantined.has(i.ImageId ?? ''))
    .filter((i) => {
      const t = imageTags(i);
      return t[TAG.status] === 'golden' && t[TAG.scan] === 'passed' && t[TAG.vulnerable] !== 'true';
    })
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
}

/**
 * The image quarantine starts from: given a golden (or already quarantined) copy, the build AMI it
 * was copied from and that AMI's region; given the build AMI, itself.
 */
export function quarantineRoot(
  amiId: string,
  region: string,
  tags: Record<string, string>,
): { amiId: string; region: string } {
  const copy = tags[TAG.status] === 'golden' || tags[TAG.status] === 'quarantined';
  return copy && tags[TAG.sourceAmi]
    ? { amiId: tags[TAG.sourceAmi], region: tags[TAG.sourceRegion] ?? region }
    : { amiId, region };
}
