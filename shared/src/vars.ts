/** `vars` inputs (bake, verify): one `key=value` per line. Pure. */
import { InputError } from './errors.js';

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
