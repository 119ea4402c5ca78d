/**
 * The bake's input fingerprint (issue 13): what the image is made of, known before Packer runs: the
 * resolved source AMI id, the Packer version, the build's variables and filters, and the content of
 * every file the build reads (template, var files, hardening files, provisioner scripts). Two bakes
 * with the same fingerprint make the same image, so `skip-unchanged` reuses the golden one. Pure:
 * texts and hashes come in; finding files, hashing them and AWS are in bake.ts / fingerprint-aws.ts.
 */
import { createHash } from 'node:crypto';

/** How the template (or the `source-ami` input) names its base image. */
export type SourceSpec =
  | { kind: 'id'; id: string; from: string }
  | { kind: 'ssm'; name: string; from: string }
  | { kind: 'filter'; filters: Record<string, string>; owners: string[]; from: string };

const AMI = /^ami-[0-9a-f]{8,17}$/;

/** The `source-ami` input: `ami-…` or `ssm:<parameter name>`. */
export function parseSourceAmiInput(value: string): SourceSpec | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (AMI.test(v)) return { kind: 'id', id: v, from: 'input source-ami' };
  // SSM names may start without a slash (my-base-ami) as well as with one (/aws/service/…)
  const ssm = /^(?:ssm:|resolve:ssm:)(\/?\w[\w.\-/]*)$/.exec(v);
  if (ssm) return { kind: 'ssm', name: ssm[1], from: 'input source-ami' };
  return undefined;
}

/** Variable defaults of the template texts, overridden by the vars input. */
export function variableDefaults(
  kind: 'hcl' | 'json',
  texts: readonly string[],
  given: ReadonlyArray<{ key: string; value: string }>,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const t of texts) {
    if (kind === 'json') {
      for (const [k, v] of Object.entries(JSON.parse(t).variables ?? {}))
        if (typeof v === 'string') values.set(k, v);
    } else
      for (const m of t.matchAll(/variable\s+"([\w-]+)"\s*\{([^}]*)\}/g)) {
        const d = /^\s*default\s*=\s*"([^"]*)"/m.exec(m[2]);
        if (d) values.set(m[1], d[1]);
      }
  }
  for (const v of given) values.set(v.key, v.value);
  return values;
}

/** The text inside the braces of the first block that `opening` (ending with `{`) starts, braces balanced. */
function blockBody(text: string, opening: RegExp): string | undefined {
  const m = opening.exec(text);
  if (!m) return undefined;
  let depth = 1;
  const start = m.index + m[0].length;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  return undefined;
}

/** `{ a = "x", "b-c" = "y", c = var.z }` (HCL map, one entry a line) → record. */
function hclMap(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  // a quoted value, or a bare variable (`architecture = var.arch`), resolved by the caller
  for (const m of body.matchAll(/^\s*"?([\w:.-]+)"?\s*=\s*(?:"([^"]*)"|(var\.[\w-]+)\b)/gm))
    out[m[1]] = m[2] ?? m[3];
  return out;
}

/** A value as the template writes it: a literal, `var.x`, `"${var.x}"`, or `{{user `x`}}`, resolved. */
function resolveValue(raw: string, vars: ReadonlyMap<string, string>): string | undefined {
  const v = raw.trim().replace(/^"|"$/g, '');
  const hclVar = /^(?:\$\{)?var\.([\w-]+)\}?$/.exec(v);
  if (hclVar) return vars.get(hclVar[1]);
  const jsonVar = /^\{\{\s*user\s+`([\w-]+)`\s*\}\}$/.exec(v);
  if (jsonVar) return vars.get(jsonVar[1]);
  return v.includes('${') || v.includes('{{') ? undefined : v;
}

/**
 * The base image of a template's amazon builder: `source_ami` (an id, a variable, or
 * `resolve:ssm:<name>`), else `source_ami_filter` (filters, owners; the newest match, as Packer's
 * most_recent). Undefined when the template has neither (e.g. the null builder). With several
 * builds, the first one's (sourceSpecsOf has each).
 */
export function sourceSpecOf(
  kind: 'hcl' | 'json',
  texts: readonly string[],
  vars: ReadonlyMap<string, string>,
): SourceSpec | undefined {
  return sourceSpecsOf(kind, texts, vars).find((b) => b.spec)?.spec;
}

/**
 * Each build's base image, in template order: HCL `source "type" "name"` blocks (build `type.name`,
 * as -only names it), JSON builders (their name, else type). A build with no base image (the null
 * builder) has no spec.
 */
export function sourceSpecsOf(
  kind: 'hcl' | 'json',
  texts: readonly string[],
  vars: ReadonlyMap<string, string>,
): Array<{ build: string; spec?: SourceSpec }> {
  const out: Array<{ build: string; spec?: SourceSpec }> = [];
  if (kind === 'json') {
    for (const t of texts)
      for (const b of (JSON.parse(t).builders ?? []) as Array<Record<string, unknown>>)
        out.push({ build: String(b.name ?? b.type ?? ''), spec: builderSpec(b, vars) });
    return out;
  }
  for (const t of texts)
    for (const m of t.matchAll(/^\s*source\s+"([\w-]+)"\s+"([\w-]+)"\s*\{/gm)) {
      const body = blockBody(t.slice(m.index), /^\s*source\s+"[\w-]+"\s+"[\w-]+"\s*\{/) ?? '';
      out.push({ build: `${m[1]}.${m[2]}`, spec: hclSourceSpec(body, vars) });
    }
  return out;
}

function specOfValue(raw: string, from: string, vars: ReadonlyMap<string, string>): SourceSpec | undefined {
  const v = resolveValue(raw, vars);
  if (!v) return undefined;
  if (AMI.test(v)) return { kind: 'id', id: v, from };
  const ssm = /^resolve:ssm:(\/[\w.\-/]+)$/.exec(v);
  return ssm ? { kind: 'ssm', name: ssm[1], from } : undefined;
}

function builderSpec(b: Record<string, unknown>, vars: ReadonlyMap<string, string>): SourceSpec | undefined {
  if (typeof b.source_ami === 'string') return specOfValue(b.source_ami, 'template source_ami', vars);
  const f = b.source_ami_filter as { filters?: Record<string, string>; owners?: string[] } | undefined;
  if (!f?.filters) return undefined;
  return {
    kind: 'filter',
    filters: Object.fromEntries(
      Object.entries(f.filters).map(([k, v]) => [k, resolveValue(String(v), vars) ?? String(v)]),
    ),
    owners: (f.owners ?? []).map((o) => resolveValue(o, vars) ?? o),
    from: 'template source_ami_filter',
  };
}

function hclSourceSpec(body: string, vars: ReadonlyMap<string, string>): SourceSpec | undefined {
  const direct = /^\s*source_ami\s*=\s*(.+?)\s*$/m.exec(body);
  if (direct) return specOfValue(direct[1], 'template source_ami', vars);
  const filter = blockBody(body, /source_ami_filter\s*\{/);
  if (filter === undefined) return undefined;
  const filters = /filters\s*=\s*\{([\s\S]*?)\}/.exec(filter);
  const owners = /owners\s*=\s*\[([^\]]*)\]/.exec(filter);
  return {
    kind: 'filter',
    filters: Object.fromEntries(
      Object.entries(hclMap(filters?.[1] ?? '')).map(([k, v]) => [k, resolveValue(v, vars) ?? v]),
    ),
    owners: [...(owners?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => resolveValue(m[1], vars) ?? m[1]),
    from: 'template source_ami_filter',
  };
}

/**
 * Files the template's provisioners read (`script`, `scripts`, `source`, `execute_command` aside), with
 * `${path.root}` / `{{template_dir}}` made the template's directory; relative paths are from the
 * working directory, as Packer reads them.
 */
export function provisionerPaths(texts: readonly string[], templateDir: string): string[] {
  const out = new Set<string>();
  const fix = (p: string) => p.replace(/\$\{path\.root\}|\{\{\s*template_dir\s*\}\}/g, templateDir);
  for (const t of texts) {
    for (const m of t.matchAll(/"?(?:script|source)"?\s*[=:]\s*"([^"$]*(?:\$\{path\.root\}[^"]*)?)"/g))
      if (m[1] && !/^(ami-|https?:)/.test(m[1])) out.add(fix(m[1]));
    for (const m of t.matchAll(/"?scripts"?\s*[=:]\s*\[([^\]]*)\]/g))
      for (const s of m[1].matchAll(/"([^"]+)"/g)) out.add(fix(s[1]));
  }
  return [...out];
}

export interface FingerprintInput {
  sourceAmi: string;
  packerVersion: string;
  /** -var values and build filters: they change what is built */
  vars: ReadonlyArray<{ key: string; value: string }>;
  only: readonly string[];
  except: readonly string[];
  /** repository path → sha256 of the content */
  files: ReadonlyMap<string, string>;
  /** the build, when the template has several: each build's fingerprint has its own base image */
  build?: string;
}

/** sha256 over a canonical JSON of the inputs (order-independent for files and vars). */
export function fingerprintOf(input: FingerprintInput): string {
  const doc = {
    v: 1,
    ...(input.build ? { build: input.build } : {}),
    sourceAmi: input.sourceAmi,
    packer: input.packerVersion,
    vars: [...input.vars].map((v) => `${v.key}=${v.value}`).sort(),
    only: [...input.only].sort(),
    except: [...input.except].sort(),
    files: [...input.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What differs from the newest golden image's recorded inputs, in words (files come from git). */
export function whatChanged(
  previous:
    | { sourceAmi?: string; packerVersion?: string; imageId?: string; fingerprint?: string }
    | undefined,
  current: { sourceAmi: string; packerVersion: string },
  changedFiles: readonly string[] | undefined,
): string[] {
  if (!previous) return ['no golden image of this template yet'];
  const out: string[] = [];
  if (!previous.fingerprint)
    out.push(
      `the newest golden image ${previous.imageId ?? ''} has no fingerprint (baked before ami-bakery recorded one)`,
    );
  if (previous.sourceAmi && current.sourceAmi && previous.sourceAmi !== current.sourceAmi)
    out.push(`new base AMI ${current.sourceAmi} (was ${previous.sourceAmi})`);
  if (previous.packerVersion && previous.packerVersion !== current.packerVersion)
    out.push(`Packer ${current.packerVersion} (was ${previous.packerVersion})`);
  if (changedFiles?.length) out.push(`changed file(s): ${changedFiles.join(', ')}`);
  if (!out.length) out.push('the build variables or filters changed');
  return out;
}
