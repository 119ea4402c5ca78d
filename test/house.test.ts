/**
 * The house, drawn from the imports of the sources: shared/ never reaches up into a stage or the
 * CLI, stages never import each other, no module imports itself in a circle, and no function in a
 * stage or shared/ runs over 120 lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SOURCE_DIRS = [
  'shared/src',
  'action-bake/src',
  'action-verify/src',
  'action-scan/src',
  'action-promote/src',
  'cli/src',
];

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out.sort();
}

/** Relative imports of a file (static and dynamic), as repository paths of .ts files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs
    .filter((s) => !s.endsWith('.json')) // data (checked below: it must exist), not a module
    .map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** JSON data a source imports, as repository paths. */
function dataImportsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/from\s*'(\.{1,2}\/[^']+\.json)'/g)].map((m) =>
    path.normalize(path.join(path.dirname(file), m[1])),
  );
}

const area = (file: string) => file.split('/')[0];

describe('the house', () => {
  const files = sources();
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('every relative import resolves to a source file (or a data file that exists)', () => {
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !graph.has(d)).map((d) => `${f} → ${d}`),
    );
    for (const f of files)
      for (const d of dataImportsOf(f)) if (!fs.existsSync(path.join(ROOT, d))) missing.push(`${f} → ${d}`);
    expect(missing).toEqual([]);
  });

  it('shared/ imports nothing above it; a stage imports only itself and shared/', () => {
    const wrong: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        if (area(f) === 'shared' && area(d) !== 'shared') wrong.push(`${f} → ${d}`);
        if (area(f).startsWith('action-') && area(d) !== area(f) && area(d) !== 'shared')
          wrong.push(`${f} → ${d}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no circle of imports', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('no function over 120 lines', () => {
    const long: string[] = [];
    for (const f of files) {
      const src = ts.createSourceFile(
        f,
        fs.readFileSync(path.join(ROOT, f), 'utf8'),
        ts.ScriptTarget.Latest,
        true,
      );
      const visit = (n: ts.Node) => {
        if (ts.isFunctionLike(n) && 'body' in n && n.body) {
          const a = src.getLineAndCharacterOfPosition(n.getStart()).line;
          const b = src.getLineAndCharacterOfPosition(n.getEnd()).line;
          if (b - a + 1 > 120) long.push(`${f}:${a + 1} (${b - a + 1} lines)`);
        }
        ts.forEachChild(n, visit);
      };
      visit(src);
    }
    expect(long).toEqual([]);
  });
});
