import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VERSION } from '../shared/src/version.js';
import { ROOT } from './helpers.js';

describe('docs and metadata', () => {
  it('the action tables in README.md and docs/ match action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-readme.mjs'), '--check'], {
        cwd: ROOT,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('every action.yml is complete: name, description, branding, node24, described inputs and outputs', () => {
    const actions = fs
      .readdirSync(ROOT)
      .filter((d) => d.startsWith('action-') && fs.existsSync(path.join(ROOT, d, 'action.yml')));
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      const doc = parse(fs.readFileSync(path.join(ROOT, a, 'action.yml'), 'utf8'));
      expect(doc.name, a).toBeTruthy();
      expect(doc.description, a).toBeTruthy();
      expect(doc.branding, a).toMatchObject({ icon: expect.any(String), color: expect.any(String) });
      expect(doc.runs, a).toMatchObject({ using: 'node24', main: 'dist/index.js' });
      for (const [n, spec] of Object.entries<any>(doc.inputs))
        expect(spec.description, `${a} input ${n}`).toBeTruthy();
      for (const [n, spec] of Object.entries<any>(doc.outputs))
        expect(spec.description, `${a} output ${n}`).toBeTruthy();
    }
  });

  it('the suite runs on a supported Node (engines: >=22; Node 20 is end of life)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node).toBe('>=22');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('the version in SARIF matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('the README stays a front page: at most 250 lines, set-up commands first, then the contents', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    const firstFence = readme.indexOf('```sh\nnpm ci');
    expect(firstFence).toBeGreaterThan(0);
    expect(firstFence).toBeLessThan(readme.indexOf('## Contents'));
    expect(readme).toContain('## Glossary');
  });

  it('every link in README.md and docs/ reaches a file of the repository, and every #anchor a heading', () => {
    const md = new MarkdownIt({ html: true });
    const pages = [
      'README.md',
      ...fs
        .readdirSync(path.join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      'bench/README.md',
    ];
    // GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens
    const slug = (s: string) =>
      s
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\- _]/gu, '')
        .replace(/ /g, '-');
    const anchorsOf = (file: string) => {
      const tokens = md.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'), {});
      const ids = new Set<string>();
      tokens.forEach((tk, i) => {
        if (tk.type === 'heading_open') ids.add(slug(tokens[i + 1].children!.map((c) => c.content).join('')));
      });
      return ids;
    };
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      const tokens = md.parse(fs.readFileSync(path.join(ROOT, page), 'utf8'), {});
      const links = tokens
        .flatMap((tk) => tk.children ?? [])
        .map((c) =>
          c.type === 'link_open' ? c.attrGet('href') : c.type === 'image' ? c.attrGet('src') : null,
        )
        .filter((h): h is string => !!h);
      for (const href of links) {
        if (/^(https?:|mailto:)/.test(href)) continue; // no network here: outside links are not fetched
        checked++;
        const [file, anchor] = href.split('#');
        const target = file ? path.normalize(path.join(path.dirname(page), decodeURI(file))) : page;
        if (target.startsWith('..') || !fs.existsSync(path.join(ROOT, target))) {
          broken.push(`${page}: ${href} (no ${target})`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor))
          broken.push(`${page}: ${href} (no heading #${anchor} in ${target})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it("names every input of the reusable workflow in docs/adopt.md's list", () => {
    const wf = parse(fs.readFileSync(path.join(ROOT, '.github/workflows/golden-ami.yml'), 'utf8')) as {
      on: { workflow_call: { inputs: Record<string, unknown> } };
    };
    const adopt = fs.readFileSync(path.join(ROOT, 'docs/adopt.md'), 'utf8');
    const list = adopt.slice(
      adopt.indexOf("The reusable workflow's inputs:"),
      adopt.indexOf('(descriptions in'),
    );
    const named = new Set(list.split(/[\s,:]+/).map((w) => w.replace(/\(.*$/, '')));
    expect(Object.keys(wf.on.workflow_call.inputs).filter((i) => !named.has(i))).toEqual([]);
  });
});
