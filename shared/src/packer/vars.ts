/** The `vars` input: one `key=value` per line. Pure. */
import { InputError } from '../errors.js';

export function parseVars(text: string, input = 'vars'): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new InputError(
        input,
        `line ${i + 1} "${line}" is not key=value.`,
        'write one variable per line, e.g. region=us-east-1',
      );
    }
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][\w-]*$/.test(key)) {
      throw new InputError(
        input,
        `line ${i + 1}: "${key}" is not a variable name.`,
        'use letters, digits, _ and -, e.g. source_ami=ami-0123456789abcdef0',
      );
    }
    out.push({ key, value: line.slice(eq + 1).trim() });
  });
  return out;
}

/** `packer version` output → "1.6.6". */
export function parsePackerVersion(out: string): string | undefined {
  return /Packer v?(\d+\.\d+\.\d+)/.exec(out)?.[1];
}

/** Does `have` satisfy `want`: exact "1.6.6", prefix "1.6", or ">=1.7.0"? Empty `want` = anything. */
export function versionSatisfies(have: string, want: string): boolean {
  const w = want.trim().replace(/^v/, '');
  if (!w) return true;
  const cmp = (a: string, b: string) => {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < 3; i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d) return d;
    }
    return 0;
  };
  if (w.startsWith('>=')) return cmp(have, w.slice(2).trim()) >= 0;
  if (/^\d+\.\d+\.\d+$/.test(w)) return have === w;
  if (/^\d+(\.\d+)?$/.test(w)) return have === w || have.startsWith(`${w}.`);
  return false;
}
