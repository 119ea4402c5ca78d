/**
 * A CIS benchmark is a product and a version: `Ubuntu 22.04 v2.0.0` numbers its recommendations
 * differently from `Ubuntu 20.04 v1.0.0` (SSH LogLevel is 5.1.14 in one and 5.2.4 in the other), so
 * a recommendation id means nothing without them. Pure: text in, benchmark out.
 *
 * Written as people and tools write them:
 *   Ubuntu 22.04 v2.0.0          Ubuntu 22.04 LTS v2.0.0       ubuntu2204 v2.0.0     ubuntu2204 2.0.0
 *   Amazon Linux 2023 v1.0.0     Red Hat Enterprise Linux 9 v2.0.0   RHEL 9 v2.0.0   Debian 12 v1.1.0
 *   UBUNTU22-CIS v2.0.0 (ansible-lockdown's `benchmark` and `benchmark_version`)
 */

export interface Benchmark {
  /** ComplianceAsCode's product key (ubuntu2204, al2023, rhel9, debian12, …), or the name as written. */
  product: string;
  /** Digits and dots, without the `v`: 2.0.0. */
  version: string;
}

/** Product names as written → ComplianceAsCode's product key. */
const PRODUCTS: Array<{ re: RegExp; key: (m: RegExpExecArray) => string }> = [
  { re: /\bubuntu[\s_-]*(\d\d)\.?(\d\d)\b/i, key: (m) => `ubuntu${m[1]}${m[2]}` },
  // ansible-lockdown role names: UBUNTU22-CIS, UBUNTU20-CIS
  { re: /\bubuntu(\d\d)-cis\b/i, key: (m) => `ubuntu${m[1]}04` },
  { re: /\b(?:amazon[\s_-]*linux[\s_-]*|amzn|al|amazon)2023\b/i, key: () => 'al2023' },
  { re: /\b(?:amazon[\s_-]*linux[\s_-]*|amazon)2\b/i, key: () => 'amzn2' },
  { re: /\b(?:red[\s_-]*hat[\s_-]*enterprise[\s_-]*linux|rhel)[\s_-]*(\d+)\b/i, key: (m) => `rhel${m[1]}` },
  { re: /\balma[\s_-]*(?:linux)?[\s_-]*(?:os)?[\s_-]*(\d+)\b/i, key: (m) => `almalinux${m[1]}` },
  { re: /\bdebian[\s_-]*(?:linux[\s_-]*)?(\d+)\b/i, key: (m) => `debian${m[1]}` },
  { re: /\bcent[\s_-]*os[\s_-]*(?:linux[\s_-]*)?(\d+)\b/i, key: (m) => `centos${m[1]}` },
  {
    re: /\b(?:suse[\s_-]*linux[\s_-]*enterprise(?:[\s_-]*server)?|sles?)[\s_-]*(\d+)\b/i,
    key: (m) => `sle${m[1]}`,
  },
];

const LABELS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^ubuntu(\d\d)(\d\d)$/, (m) => `Ubuntu ${m[1]}.${m[2]}`],
  [/^al2023$/, () => 'Amazon Linux 2023'],
  [/^amzn2$/, () => 'Amazon Linux 2'],
  [/^rhel(\d+)$/, (m) => `RHEL ${m[1]}`],
  [/^almalinux(\d+)$/, (m) => `AlmaLinux ${m[1]}`],
  [/^debian(\d+)$/, (m) => `Debian ${m[1]}`],
  [/^centos(\d+)$/, (m) => `CentOS ${m[1]}`],
  [/^sle(\d+)$/, (m) => `SLE ${m[1]}`],
];

/** `v2.0.0` anywhere after the product, or bare digits right after it (`ubuntu2204 2.0.0`). */
const V_VERSION = /(?:^|[\s,(])v(\d+(?:\.\d+)*)\b/i;
const BARE_VERSION = /^\s*(?:version\s*:?\s*)?(\d+\.\d+(?:\.\d+)*)(?=$|[\s,)])/i;

/** ComplianceAsCode's product key in a text (`Ubuntu 22.04` → ubuntu2204), if it names one. */
export function productIn(text: string): { key: string; index: number; length: number } | undefined {
  let best: { key: string; index: number; length: number } | undefined;
  for (const p of PRODUCTS) {
    const m = p.re.exec(text);
    if (m && (!best || m.index < best.index)) best = { key: p.key(m), index: m.index, length: m[0].length };
  }
  return best;
}

function normVersion(v: string): string {
  const parts = v.replace(/^v/i, '').split('.');
  while (parts.length < 3) parts.push('0');
  return parts.join('.');
}

/**
 * The benchmark a text declares: a product it names and a version (`v2.0.0`, or digits with dots
 * after the product). A product alone, or a version alone, is not a benchmark.
 */
export function parseBenchmark(text: string): Benchmark | undefined {
  const t = text.trim();
  if (!t || t.length > 200) return undefined;
  const product = productIn(t);
  if (!product) return undefined;
  const rest = t.slice(product.index + product.length);
  const v = V_VERSION.exec(rest) ?? BARE_VERSION.exec(rest);
  if (!v) return undefined;
  return { product: product.key, version: normVersion(v[1]) };
}

export function benchmarkKey(b: Benchmark): string {
  return `${b.product} ${b.version}`;
}

/** How people name it: `Ubuntu 22.04 v2.0.0`. */
export function benchmarkLabel(b: Benchmark): string {
  for (const [re, label] of LABELS) {
    const m = re.exec(b.product);
    if (m) return `${label(m)} v${b.version}`;
  }
  return `${b.product} v${b.version}`;
}

export function sameBenchmark(a: Benchmark | undefined, b: Benchmark | undefined): boolean {
  return !!a && !!b && a.product === b.product && a.version === b.version;
}
