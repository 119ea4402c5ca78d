/**
 * The smoke-test spec refuses, at its own line and before Terraform is applied, every value that
 * is not of its documented type (issue 22: 7 and 23). Number() would have read `[]`, `true` and
 * `'0x2'` as numbers; `in` would have found `constructor` on the prototype.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, SpecErrors } from '../../action-verify/src/smoke/spec.js';

const tcp = (extra: string) =>
  `checks:\n  - name: ssh\n    kind: tcp\n    host: 10.0.0.1\n    port: 22\n${extra}`;
const http = (extra: string) => `checks:\n  - name: web\n    kind: http\n    url: http://10.0.0.1/\n${extra}`;
const cmd = (extra: string) =>
  `checks:\n  - name: c\n    kind: command\n    host: 10.0.0.1\n    user: u\n    command: "true"\n${extra}`;

describe('smoke spec: hostile values', () => {
  it.each([
    ['retries: []', tcp('    retries: []\n'), /spec\.yml:6: "retries" must be a whole number/],
    ['retries: true', tcp('    retries: true\n'), /spec\.yml:6: "retries" must be a whole number/],
    ["retries: '0x2'", tcp("    retries: '0x2'\n"), /spec\.yml:6: "retries" must be a whole number/],
    ['retries: 2.5', tcp('    retries: 2.5\n'), /spec\.yml:6: "retries" must be a whole number/],
    ["port: '0x16'", tcp('').replace('port: 22', "port: '0x16'"), /spec\.yml:5: "port" must be a port/],
    ['status: [200]', http('    status: [200]\n'), /spec\.yml:5: "status" must be an HTTP status code/],
    ['within: .inf', tcp('    within: .inf\n'), /spec\.yml:6: "within" must be a duration/],
    ['within: 0', tcp('    within: 0\n'), /spec\.yml:6: "within" must be a duration/],
    ['within: -5', tcp('    within: -5\n'), /spec\.yml:6: "within" must be a duration/],
    [
      'exit-code: -1',
      cmd('    exit-code: -1\n'),
      /spec\.yml:7: "exit-code" must be a whole number from 0 to 255/,
    ],
    ["exit-code: '0x1'", cmd("    exit-code: '0x1'\n"), /spec\.yml:7: "exit-code" must be a whole number/],
    [
      'kind: constructor',
      'checks:\n  - name: a\n    kind: constructor\n',
      /spec\.yml:3: unknown kind "constructor"/,
    ],
    [
      'kind: __proto__',
      'checks:\n  - name: a\n    kind: __proto__\n',
      /spec\.yml:3: unknown kind "__proto__"/,
    ],
    [
      'kind: hasOwnProperty',
      'checks:\n  - name: a\n    kind: hasOwnProperty\n',
      /unknown kind "hasOwnProperty"/,
    ],
    ['kind: [tcp]', 'checks:\n  - name: a\n    kind: [tcp]\n', /spec\.yml:3: unknown kind \["tcp"\]/],
  ])('%s', (_, text, why) => {
    expect(() => parseSpec(text, 'spec.yml')).toThrow(why);
  });

  it('plain values still read as before', () => {
    const [c] = parseSpec(tcp('    retries: "4"\n    within: 90s\n'), 'spec.yml');
    expect(c).toMatchObject({ retries: 4, withinMs: 90_000, port: '22' });
  });
});

describe('smoke spec: every problem, each once (issue 23)', () => {
  const errorsOf = (text: string) => {
    try {
      parseSpec(text, 'spec.yml');
    } catch (e) {
      if (e instanceof SpecErrors) return e.errors.map((x) => `${x.line}: ${x.problem}`);
      throw e;
    }
    return [];
  };
  it('two broken checks: both problems, in line order', () => {
    const text = `checks:\n  - name: a\n    kind: tcp\n    host: h\n    port: 0\n  - name: b\n    kind: http\n    url: ftp://x/\n`;
    expect(errorsOf(text)).toEqual([
      '5: "port" must be a port from 1 to 65535 (or a ${{ outputs.x }} reference)',
      '8: "url" must be an http:// or https:// URL (outputs as ${{ outputs.x }}), not "ftp://x/"',
    ]);
  });
  it('the same problem twice at one line is said once', () => {
    const text =
      'checks:\n  - name: a\n    kind: tcp\n    host: h\n    port: 22\n  - name: a\n    kind: tcp\n    host: h\n    port: 22\n';
    expect(errorsOf(text)).toEqual(['6: two checks are named "a"']);
  });
});
