/**
 * The fleet plan (issue 25): images.yml → one matrix entry per family and architecture, each with
 * every input of golden-ami.yml (read from the workflow itself), or a refusal naming the field.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_MATRIX, planFleet } from '../../cli/src/fleet.js';
import { declaredInputs } from '../../cli/src/fleet-command.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DECLARED = declaredInputs(ROOT);
const FILE = 'images.yml';

const ubuntu = {
  'working-directory': 'images/ubuntu',
  template: 'ubuntu.pkr.hcl',
  architectures: { x86_64: 'amazon-ebs.ubuntu', arm64: 'amazon-ebs.ubuntu-arm64' },
  schedule: '0 5 * * *',
  'rescan-schedule': '0 6 * * 1',
};
const debian = { 'working-directory': 'images/debian', template: 'debian.pkr.hcl', 'ssh-user': 'admin' };
const defaults = {
  'aws-region': 'us-east-1',
  'role-to-assume': 'arn:aws:iam::111111111111:role/build',
  'terraform-dir': 'test-env',
  'promote-accounts': ['111111111111', '012345678901'],
  quarantine: true,
};
const doc = (
  families: Record<string, unknown> = { ubuntu, debian },
  d: Record<string, unknown> = defaults,
) => ({
  defaults: d,
  families,
});
const plan = (d: unknown, schedule?: string) => planFleet(d, DECLARED, { file: FILE, schedule });
const refusal = (d: unknown, schedule?: string) => {
  try {
    plan(d, schedule);
  } catch (e) {
    expect((e as Error).name).toBe('InputError');
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('planFleet', () => {
  it('makes one entry per family and architecture, each with every golden-ami.yml input', () => {
    const { entries } = plan(doc());
    expect(entries.map((e) => [e.family, e.architecture, e.only])).toEqual([
      ['ubuntu-x86_64', 'x86_64', 'amazon-ebs.ubuntu'],
      ['ubuntu-arm64', 'arm64', 'amazon-ebs.ubuntu-arm64'],
      ['debian', '', ''],
    ]);
    for (const e of entries) {
      // every declared input is in the entry, so `${{ matrix.x }}` is never a silent blank
      for (const k of Object.keys(DECLARED)) expect(Object.keys(e)).toContain(k);
      expect(e['min-score']).toBe(String(DECLARED['min-score'].default));
      expect(e.rescan).toBe(false);
      expect(e.quarantine).toBe(true);
      expect(e['promote-accounts']).toBe('111111111111,012345678901');
    }
    expect(entries[2]['ssh-user']).toBe('admin');
    expect(entries[0]['ssh-user']).toBe('ubuntu');
  });

  it('on a schedule, only the families of that cron: the rebake bakes, the re-scan re-scans', () => {
    expect(plan(doc(), '0 5 * * *').entries.map((e) => [e.family, e.rescan])).toEqual([
      ['ubuntu-x86_64', false],
      ['ubuntu-arm64', false],
    ]);
    const weekly = plan(doc(), ' 0 6 * * 1 ');
    expect(weekly.entries.map((e) => [e.family, e.rescan])).toEqual([
      ['ubuntu-x86_64', true],
      ['ubuntu-arm64', true],
    ]);
    expect(weekly.notScheduled).toEqual(['debian']);
    expect(plan(doc(), '0 7 * * *').entries).toEqual([]);
  });

  it('a family value wins over defaults, and defaults over the workflow', () => {
    const e = plan(doc({ debian: { ...debian, 'aws-region': 'eu-west-1', retain: 5 } })).entries[0];
    expect(e['aws-region']).toBe('eu-west-1');
    expect(e.retain).toBe('5');
  });

  it.each([
    [
      'a family with no template',
      { debian: { 'working-directory': 'images/debian' } },
      /has no template, which golden-ami\.yml requires/,
    ],
    [
      'an unknown key, with its near miss',
      { debian: { ...debian, 'scan-profil': 'x' } },
      /debian\.scan-profil": is not an input of golden-ami\.yml\. Fix: did you mean scan-profile/,
    ],
    ['family set by hand', { debian: { ...debian, family: 'x' } }, /debian\.family": is set by the plan/],
    ['rescan set by hand', { debian: { ...debian, rescan: true } }, /debian\.rescan": is set by the plan/],
    ['a key with no value', { debian: { ...debian, waivers: null } }, /debian\.waivers": has no value/],
    [
      'a boolean as text',
      { debian: { ...debian, suggest: 'true' } },
      /debian\.suggest": must be true or false/,
    ],
    [
      'a number where text is meant',
      { debian: { ...debian, 'promote-accounts': 12345678901 } },
      /is a YAML number, not text\. Fix: quote it/,
    ],
    [
      'a number in a list',
      { debian: { ...debian, 'promote-accounts': [111111111111] } },
      /promote-accounts\.0": is a YAML number/,
    ],
    ['an empty list', { debian: { ...debian, 'promote-regions': [] } }, /is an empty list/],
    [
      'a list where none is taken',
      { debian: { ...debian, template: ['a', 'b'] } },
      /debian\.template": must be a string\./,
    ],
    [
      'a list item with the separator',
      { debian: { ...debian, 'promote-regions': ['us-east-1,eu-west-1'] } },
      /must be a non-empty string without ","/,
    ],
    [
      'an unknown architecture',
      { ubuntu: { ...ubuntu, architectures: { amd64: 'amazon-ebs.ubuntu' } } },
      /architectures\.amd64": is not an EC2 architecture/,
    ],
    [
      'no architecture at all',
      { ubuntu: { ...ubuntu, architectures: {} } },
      /must map each architecture to its Packer build/,
    ],
    [
      'one build for two architectures',
      { ubuntu: { ...ubuntu, architectures: { x86_64: 'a.b', arm64: 'a.b' } } },
      /names the build a\.b for a second architecture/,
    ],
    [
      'architectures and only',
      { ubuntu: { ...ubuntu, only: 'amazon-ebs.ubuntu' } },
      /and only are both given/,
    ],
    [
      'a cron of four fields',
      { ubuntu: { ...ubuntu, schedule: '0 5 * *' } },
      /schedule": must be a cron of five fields/,
    ],
    [
      'one cron for both',
      { ubuntu: { ...ubuntu, 'rescan-schedule': '0 5 * * *' } },
      /as both its schedule and its rescan-schedule/,
    ],
    [
      'two families making one name',
      { ubuntu, 'ubuntu-arm64': debian },
      /makes the family "ubuntu-arm64" a second time/,
    ],
    ['a name too long with its architecture', { ['u'.repeat(60)]: ubuntu }, /longer than 64 characters/],
    ['no family', {}, /families": lists no family/],
  ])('refuses %s', (_, families, message) => {
    expect(refusal(doc(families as Record<string, unknown>))).toMatch(message);
  });

  it('refuses a document that is not images.yml', () => {
    expect(refusal(null)).toMatch(/is not a mapping/);
    expect(refusal(['a'])).toMatch(/is not a mapping/);
    expect(refusal({ families: { debian }, image: {} })).toMatch(/image": is not a key of images\.yml/);
    expect(refusal({ families: { debian }, defaults: 'x' })).toMatch(/defaults": is not a mapping/);
  });

  it(`refuses more than the ${MAX_MATRIX} jobs GitHub runs from one matrix`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_MATRIX + 1 }, (_, i) => [`f${i}`, debian]));
    expect(refusal(doc(many))).toMatch(/makes 257 images, more than the 256 jobs/);
    expect(plan(doc(Object.fromEntries(Object.entries(many).slice(0, MAX_MATRIX)))).entries).toHaveLength(
      256,
    );
  });
});

/** The hostile classes of the project's suite (test/hostile-inputs.test.ts), for images.yml's own fields. */
const HOSTILE: Record<string, unknown> = {
  blank: '',
  whitespace: '  \t  ',
  unicode: 'Ünïcødé-☃-名前',
  huge: 'x'.repeat(100_000),
  'wrong type': { a: [1, 2] },
  hex: '0x1F',
  traversal: '../../../../etc/passwd',
  symlink: 'link-out/x',
  injection: '$(touch /tmp/pwned)`id`;id\n::error file=x,line=1::forged\r\n${{ secrets.TOKEN }}',
};

describe('images.yml hostile values', () => {
  // accepted: what golden-ami.yml's setup job takes as a family (letters, digits, . _ -, ≤ 64)
  const familyAccepted = ['hex'];
  it.each(Object.entries(HOSTILE))('as a family name: %s', (cls, v) => {
    if (typeof v !== 'string')
      return expect(() => plan(doc({ [String(v)]: debian }))).toThrow(/is not a family name/);
    if (familyAccepted.includes(cls)) return expect(plan(doc({ [v]: debian })).entries[0].family).toBe(v);
    const message = refusal(doc({ [v]: debian }));
    expect(message).toMatch(/is not a family name|lists no family/);
    // the name is foreign text: one line, never echoed whole
    expect(message).not.toMatch(/\n|x{100}/);
  });

  it.each(Object.entries(HOSTILE))('as a build name: %s', (cls, v) => {
    const d = doc({ ubuntu: { ...ubuntu, architectures: { x86_64: v } } });
    if (cls === 'hex') return expect(plan(d).entries[0].only).toBe(v);
    expect(refusal(d)).toMatch(/architectures\.x86_64": is not a Packer build name/);
  });

  it.each(Object.entries(HOSTILE))('as a schedule: %s', (cls, v) => {
    const d = doc({ ubuntu: { ...ubuntu, schedule: v } });
    expect(refusal(d)).toMatch(/ubuntu\.schedule": must be a cron/);
    // and as the run's own schedule (github.event.schedule): blank means not a scheduled run
    if (cls === 'blank' || cls === 'whitespace')
      return expect(plan(doc(), v as string).entries).toHaveLength(3);
    if (typeof v === 'string') expect(refusal(doc(), v)).toMatch(/Input "schedule": is not a cron/);
  });

  // every other input is handed, as text, to the action that takes it, which has its own hostile
  // cases (test/hostile-inputs.test.ts): the plan neither drops nor rewrites it, and never turns an
  // object into text
  it.each(Object.entries(HOSTILE))('as an input of golden-ami.yml: %s', (cls, v) => {
    for (const k of ['template', 'aws-region', 'ssm-parameter', 'waivers']) {
      const d = doc({ debian: { ...debian, [k]: v } });
      if (cls === 'blank' && DECLARED[k].required) continue;
      if (cls === 'wrong type') {
        expect(refusal(d)).toMatch(new RegExp(`debian\\.${k}": must be a string`));
        continue;
      }
      const e = plan(d).entries[0];
      expect(e[k]).toBe(v);
      // the matrix is JSON: an expression in a value stays text (GitHub does not evaluate matrix values)
      expect(JSON.parse(JSON.stringify(e))[k]).toBe(v);
    }
    // a blank required input is missing
    if (cls === 'blank')
      expect(refusal(doc({ debian: { ...debian, template: v } }))).toMatch(/has no template/);
  });
});
