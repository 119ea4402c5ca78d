/**
 * What a remediation names and what it would fight, read from its text (issue 23): the PAM modules,
 * packages and services it relies on, each of which must exist in the image once it ran; and the
 * tools that must not run side by side (ntp beside chrony, iptables beside nftables). Pure: the
 * image's facts come in as functions.
 */

export interface FixNames {
  pamModules: string[];
  packages: string[];
  services: string[];
}

const unquote = (s: string) => s.replace(/^["']|["']$/g, '');

export function fixNames(fix: string): FixNames {
  const pamModules = [...new Set([...fix.matchAll(/\bpam_[\w-]+\.so\b/g)].map((m) => m[0]))];
  const packages = new Set<string>();
  for (const m of fix.matchAll(/\b(?:apt-get|apt|dnf|yum|zypper)\s+(?:-\S+\s+)*install\s+([^\n;&|]+)/g))
    for (const w of m[1].trim().split(/\s+/)) {
      const p = unquote(w);
      if (p && !p.startsWith('-') && /^[a-z0-9][a-z0-9+.-]*$/.test(p)) packages.add(p);
    }
  const services = new Set<string>();
  for (const m of fix.matchAll(
    /\bsystemctl\s+(?:--\S+\s+)*(?:enable|start|restart|unmask)\s+(?:--now\s+)?([^\s;&|]+)/g,
  )) {
    const s = unquote(m[1]).replace(/\.service$/, '');
    if (/^[\w@.-]+$/.test(s)) services.add(s);
  }
  return { pamModules, packages: [...packages], services: [...services] };
}

/** Tools of which one image runs one: a fix bringing one beside the other fights it. */
export const RIVALS: ReadonlyArray<readonly [string, string]> = [
  ['ntp', 'chrony'],
  ['ntp', 'systemd-timesyncd'],
  ['chrony', 'systemd-timesyncd'],
  ['iptables-persistent', 'nftables'],
  ['iptables', 'nftables'],
  ['ufw', 'nftables'],
  ['ufw', 'iptables-persistent'],
];

/**
 * The rivals a fix brings in: it installs or enables `a` while the hardening code installs or
 * enables `b`, or the image already runs `b` (installed).
 */
export function fightsWith(
  names: FixNames,
  inCode: (tool: string) => boolean,
  installed: (pkg: string) => boolean,
): string[] {
  const brought = new Set([...names.packages, ...names.services]);
  const out: string[] = [];
  for (const [a, b] of RIVALS)
    for (const [mine, theirs] of [
      [a, b],
      [b, a],
    ])
      if (brought.has(mine) && !brought.has(theirs) && (inCode(theirs) || installed(theirs)))
        out.push(
          `${mine} beside ${theirs}${inCode(theirs) ? ' (the hardening code sets it up)' : ' (installed in the image)'}`,
        );
  return [...new Set(out)];
}

/** What the fix names that the image (after the fix ran) does not have. */
export function missingNames(
  names: FixNames,
  has: { pam: (m: string) => boolean; pkg: (p: string) => boolean; unit: (s: string) => boolean },
): string[] {
  return [
    ...names.pamModules.filter((m) => !has.pam(m)).map((m) => `${m} is not in this image`),
    ...names.packages.filter((p) => !has.pkg(p)).map((p) => `package ${p} is not installed in this image`),
    ...names.services.filter((s) => !has.unit(s)).map((s) => `service ${s} has no unit in this image`),
  ];
}
