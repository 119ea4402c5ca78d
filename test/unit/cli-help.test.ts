/** The CLI's words about itself: help, did-you-mean, and fix hints in flag syntax. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseFlags } from '../../cli/src/cli.js';
import { didYouMean, EXAMPLES, inFlagSyntax, mainHelp, STAGE_LINES, stageHelp } from '../../cli/src/help.js';

const ROOT = path.resolve(__dirname, '..', '..');
const action = (stage: string) =>
  parseYaml(fs.readFileSync(path.join(ROOT, `action-${stage}`, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean; description?: string; default?: string }>;
    outputs: Record<string, { description?: string }>;
  };

describe('ami-bakery --help', () => {
  const help = mainHelp('9.9.9');
  it('lists the stages in pipeline order, with examples, exit codes and the environment', () => {
    const order = STAGE_LINES.map(([s]) => help.indexOf(`\n  ${s} `));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(STAGE_LINES.map(([s]) => s)).toEqual(['bake', 'verify', 'scan', 'promote']);
    for (const needle of [
      'Examples:',
      'Exit codes:',
      '  2  bad input',
      'AWS_ENDPOINT_URL',
      'ami-bakery 9.9.9',
    ])
      expect(help).toContain(needle);
  });
  it("every example's flags are inputs of its stage", () => {
    for (const [stage, ...flags] of EXAMPLES)
      expect(() => parseFlags(flags, action(stage).inputs)).not.toThrow();
  });
});

describe('ami-bakery <stage> --help', () => {
  it('marks the required inputs, lists every output, and shows the defaults given', () => {
    const { inputs, outputs } = action('bake');
    const text = stageHelp(
      'bake',
      inputs,
      outputs,
      { 'cis-manifest-file': 'ami-bakery-output/cis-manifest.json' },
      () => undefined,
    );
    expect(text).toMatch(/^ {2}--template \*$/m);
    expect(text).not.toMatch(/^ {2}--vars \*/m);
    expect(text).toContain('--cis-manifest-file  (default: ami-bakery-output/cis-manifest.json)');
    const listed = text.slice(text.indexOf('Outputs'));
    for (const o of Object.keys(outputs)) expect(listed).toMatch(new RegExp(`^  ${o}$`, 'm'));
  });
  it('a default the caller hides (a secret) is not printed', () => {
    const { inputs, outputs } = action('scan');
    const text = stageHelp('scan', inputs, outputs, { 'github-token': 'ghp_secret' }, (n) =>
      n === 'github-token' ? '$GITHUB_TOKEN' : undefined,
    );
    expect(text).toContain('--github-token  (default: $GITHUB_TOKEN)');
    expect(text).not.toContain('ghp_secret');
    expect(text).not.toContain('${{');
  });
});

describe('did you mean', () => {
  const scan = Object.keys(action('scan').inputs);
  it.each([
    ['hardening', 'hardening-scripts'],
    ['hardening-script', 'hardening-scripts'],
    ['reprot-file', 'report-file'],
    ['fail-of', 'fail-on'],
  ])('--%s → --%s', (typo, meant) => expect(didYouMean(typo, scan)[0]).toBe(meant));
  it('a transposed stage name', () =>
    expect(didYouMean('scna', ['bake', 'verify', 'scan', 'promote'])).toEqual(['scan']));
  it('nothing near: no guess', () => expect(didYouMean('zzzzzz', scan)).toEqual([]));
  it('the flag parser says it', () =>
    expect(() => parseFlags(['--hardening', 'x'], action('scan').inputs)).toThrow(
      /did you mean --hardening-scripts\?/,
    ));
});

describe('fix hints in flag syntax', () => {
  const names = ['template', 'in-use', 'issue', 'results'];
  it.each([
    ['set it, e.g. template: packer/x.pkr.hcl', 'set it, e.g. --template packer/x.pkr.hcl'],
    ['set in-use: true, or remove issue.', 'set --in-use true, or remove issue.'],
    ['give files (results: out/arf.xml)', 'give files (--results out/arf.xml)'],
    ['the profile: is unchanged', 'the profile: is unchanged'],
    ['xin-use: true', 'xin-use: true'],
  ])('%s', (yaml, flags) => expect(inFlagSyntax(yaml, names)).toBe(flags));
});
