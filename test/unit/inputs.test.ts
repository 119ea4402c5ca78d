/** Input parsing as the stages and the CLI see it: pure, with an in-memory Io. */
import { describe, expect, it } from 'vitest';
import { defaultsFor, parseFlags } from '../../cli/src/cli.js';
import { Inputs, splitList } from '../../shared/src/inputs.js';

const inputs = (values: Record<string, string>) => new Inputs({ getInput: (n) => (values[n] ?? '').trim() });

describe('Inputs', () => {
  it('numbers are plain decimals within bounds; empty is undefined', () => {
    const i = inputs({ a: '30', b: '0x10', c: '1e3', d: '', e: '61' });
    expect(i.number('a', 1, 60)).toBe(30);
    expect(i.number('d', 1, 60)).toBeUndefined();
    for (const n of ['b', 'c', 'e'])
      expect(() => i.number(n, 1, 60)).toThrow(new RegExp(`${n}.*not a number from 1 to 60`));
  });
  it('booleans: true/false spellings, anything else is an error naming the input', () => {
    const i = inputs({ y: 'Yes', n: '', bad: 'maybe' });
    expect(i.boolean('y')).toBe(true);
    expect(i.boolean('n')).toBe(false);
    expect(() => i.boolean('bad')).toThrow(/bad.*not a boolean/);
  });
  it('required says which input and gives an example', () => {
    expect(() => inputs({}).required('ami-id', 'ami-0123456789abcdef0')).toThrow(
      /ami-id.*ami-0123456789abcdef0/,
    );
  });
  it('lists: lines or commas, blanks and comments dropped', () => {
    expect(splitList('a, b\n# note\n\nc')).toEqual(['a', 'b', 'c']);
  });
});

describe('CLI flags', () => {
  const known = { region: {}, 'dry-run': { default: false }, token: { default: '${{ github.token }}' } };
  it('--name value and --name=value; a flag given twice is refused', () => {
    expect(parseFlags(['--region', 'eu-west-1', '--dry-run=true'], known)).toEqual({
      region: 'eu-west-1',
      'dry-run': 'true',
    });
    expect(() => parseFlags(['--region', 'a', '--region', 'b'], known)).toThrow(/given twice/);
    expect(() => parseFlags(['--regoin', 'a'], known)).toThrow(/not an input of this stage/);
    expect(() => parseFlags(['--region', '--dry-run'], known)).toThrow(/has no value/);
  });
  it('defaults as the runner applies them: ${{ github.token }} is $GITHUB_TOKEN, other expressions empty', () => {
    expect(defaultsFor(known, { GITHUB_TOKEN: 't0k' })).toEqual({
      region: '',
      'dry-run': 'false',
      token: 't0k',
    });
  });
  it("the files a stage writes by default go to $RUNNER_TEMP/ami-bakery or ./ami-bakery-output, never the clone's root", () => {
    const scan = { 'report-file': { default: 'ami-bakery-scan.json' }, 'sarif-file': { default: '' } };
    expect(defaultsFor(scan, {}, 'scan')).toEqual({
      'report-file': 'ami-bakery-output/ami-bakery-scan.json',
      'sarif-file': '',
    });
    expect(defaultsFor(scan, { RUNNER_TEMP: '/rt' }, 'scan')['report-file']).toBe(
      '/rt/ami-bakery/ami-bakery-scan.json',
    );
    expect(defaultsFor({ 'cis-manifest-file': { default: 'cis-manifest.json' } }, {}, 'bake')).toEqual({
      'cis-manifest-file': 'ami-bakery-output/cis-manifest.json',
    });
  });
});
