/**
 * Typed, validated inputs. Every error names the input, what was wrong, and how to fix it,
 * and is an InputError (exit code 2) so nothing is started on bad input.
 */
import * as fs from 'node:fs';
import { InputError } from './errors.js';
import type { Io } from './io.js';

export class Inputs {
  constructor(private readonly io: Pick<Io, 'getInput'>) {}

  string(name: string): string {
    return this.io.getInput(name);
  }

  required(name: string, example: string): string {
    const v = this.io.getInput(name);
    if (!v) throw new InputError(name, 'is required but was empty.', `set it, e.g. ${name}: ${example}`);
    return v;
  }

  boolean(name: string): boolean {
    const v = this.io.getInput(name).toLowerCase();
    if (v === '' || v === 'false' || v === 'no' || v === '0') return false;
    if (v === 'true' || v === 'yes' || v === '1') return true;
    throw new InputError(name, `"${v}" is not a boolean.`, 'use true or false.');
  }

  /** A number in [min, max]; undefined when empty. */
  number(name: string, min: number, max: number): number | undefined {
    const raw = this.io.getInput(name);
    if (raw === '') return undefined;
    const n = parseDecimal(raw) ?? Number.NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InputError(name, `"${raw}" is not a number from ${min} to ${max}.`, `e.g. ${name}: ${max}`);
    }
    return n;
  }

  /** A list: one item per line or comma-separated; blank items and `#` comments dropped. */
  list(name: string): string[] {
    return splitList(this.io.getInput(name));
  }

  /** One item per line (paths may hold commas); blank lines and `#` comments dropped. */
  lines(name: string): string[] {
    return this.io
      .getInput(name)
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0 && !s.startsWith('#'));
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.io.getInput(name) as T;
    if (!allowed.includes(v)) {
      throw new InputError(
        name,
        `"${v}" is not one of ${allowed.join(', ')}.`,
        `use one of: ${allowed.join(', ')}.`,
      );
    }
    return v;
  }

  /** A path that must exist (file or directory as asked); '' → undefined. */
  existingPath(name: string, kind: 'file' | 'directory' | 'any' = 'any'): string | undefined {
    const p = this.io.getInput(name);
    if (!p) return undefined;
    return checkPath(name, p, kind);
  }
}

export function checkPath(name: string, p: string, kind: 'file' | 'directory' | 'any'): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new InputError(
      name,
      `"${p}" does not exist (relative paths are from ${process.cwd()}).`,
      'check the path.',
    );
  }
  if (kind === 'file' && !st.isFile())
    throw new InputError(name, `"${p}" is not a file.`, 'give a file path.');
  if (kind === 'directory' && !st.isDirectory()) {
    throw new InputError(name, `"${p}" is not a directory.`, 'give a directory path.');
  }
  return p;
}

export function splitList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .flatMap((line) => (line.trim().startsWith('#') ? [] : line.split(',')))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The one reading of a number from text (inputs, spec files, tag values): a plain decimal, `80` or
 * `-1.5`. Number() would also take `0x50`, `1e2`, `Infinity`, `''` (0) and `' '` (0); here those are
 * not numbers (undefined).
 */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d+(?:\.\d+)?$/.test(t) ? Number(t) : undefined;
}

/** A whole number from text, or undefined: `3`, not `3.0`, `0x3` or `3e0`. */
export function parseWholeNumber(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}
