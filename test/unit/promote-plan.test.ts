/** Promote's pure planning: no AWS, no processes, no files. */
import { describe, expect, it } from 'vitest';
import type { DestResult } from '../../action-promote/src/copy.js';
import {
  amisOf,
  checkSourcesApart,
  classifyCopies,
  destinationTags,
  evaluateGate,
  kmsKeyFor,
  launchTemplateProblems,
  parseAmiIds,
  parseKmsKeys,
  parseLaunchTemplates,
  parseRequire,
  quarantineRoot,
  retirementCandidates,
  rollbackTarget,
  staleCandidates,
} from '../../action-promote/src/plan.js';
import { promoteSummary } from '../../action-promote/src/promote.js';

describe('kms-key-ids', () => {
  it('reads region=key lines and account:region=key, the account-specific key winning', () => {
    const keys = parseKmsKeys(
      'eu-west-1=alias/golden\n# a comment\n111122223333:eu-west-1=arn:aws:kms:eu-west-1:111122223333:alias/other',
    );
    expect(kmsKeyFor(keys, '111122223333', 'eu-west-1')).toBe(
      'arn:aws:kms:eu-west-1:111122223333:alias/other',
    );
    expect(kmsKeyFor(keys, '444455556666', 'eu-west-1')).toBe('alias/golden');
    expect(kmsKeyFor(keys, '444455556666', 'us-east-1')).toBeUndefined();
  });
  it('reads the same keys as JSON', () => {
    expect([...parseKmsKeys('{"us-east-1":"alias/a"}')]).toEqual([['us-east-1', 'alias/a']]);
  });
  it.each([
    ['{"us-east-1":', /not valid JSON/],
    ['us-east-1 alias/a', /is not region=key/],
    ['us-east-9=alias/a', /not an AWS region/],
    ['us-east-1=not a key', /not a KMS key id/],
  ])('refuses %j naming the input', (raw, why) => {
    expect(() => parseKmsKeys(raw)).toThrow(why);
    expect(() => parseKmsKeys(raw)).toThrow(/kms-key-ids/);
  });
});

describe('the provenance gate', () => {
  it('blank means the default gate, never no gate', () => {
    expect(parseRequire('  ').map((r) => r.raw)).toEqual(['verify=passed', 'scan=passed']);
    expect(parseRequire('none')).toEqual([]);
    expect(() => parseRequire('none,verify=passed')).toThrow(/stands alone/);
  });
  it('a require that names nothing is refused, never read as none (issue 22: 1)', () => {
    for (const raw of [',', ' , \n , ', ',,,'])
      expect(() => parseRequire(raw), JSON.stringify(raw)).toThrow(
        /Input "require": .* names no requirement/,
      );
  });
  it('thresholds and tag values are plain decimals (issue 22: 7)', () => {
    for (const raw of ['score>=0x50', 'score>=1e2', 'score>=Infinity', 'score>=8 0'])
      expect(() => parseRequire(raw), raw).toThrow(/Input "require"/);
    const reqs = parseRequire('score>=80');
    expect(evaluateGate(reqs, { 'ami-bakery:cis-score': '0x64' })).toEqual([
      'score>=80: ami-bakery:cis-score is "0x64", not a number',
    ]);
    expect(evaluateGate(parseRequire('score>=0'), { 'ami-bakery:cis-score': '' })).toHaveLength(1);
    expect(evaluateGate(parseRequire('score>=0'), { 'ami-bakery:cis-score': ' ' })).toHaveLength(1);
    expect(evaluateGate(reqs, { 'ami-bakery:cis-score': '80.0' })).toEqual([]);
  });
  it('names what is missing, who writes it, and what differs', () => {
    const reqs = parseRequire('verify=passed,scan=passed,score>=80');
    const problems = evaluateGate(reqs, {
      'ami-bakery:verify': 'failed',
      'ami-bakery:cis-score': '79.5',
    });
    expect(problems).toEqual([
      'verify=passed: ami-bakery:verify is "failed"',
      'scan=passed: the AMI has no ami-bakery:scan tag (written by action-scan when given ami-id)',
      'score>=80: ami-bakery:cis-score is 79.5',
    ]);
    expect(
      evaluateGate(reqs, {
        'ami-bakery:verify': 'passed',
        'ami-bakery:scan': 'passed',
        'ami-bakery:cis-score': '80',
      }),
    ).toEqual([]);
  });
  it('an ungated scan is not a passed scan', () => {
    expect(
      evaluateGate(parseRequire(''), { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'ungated' }),
    ).toEqual(['scan=passed: ami-bakery:scan is "ungated"']);
  });
});

describe('retention', () => {
  const img = (imageId: string, creationDate: string) => ({
    imageId,
    name: imageId,
    creationDate,
    snapshotIds: [],
  });
  it('keeps the newest `retain` and always the current one', () => {
    const images = [img('ami-a', '2026-01-01'), img('ami-b', '2026-03-01'), img('ami-c', '2026-02-01')];
    expect(retirementCandidates(images, 1, 'ami-b').map((i) => i.imageId)).toEqual(['ami-c', 'ami-a']);
    expect(retirementCandidates(images, 1, 'ami-a').map((i) => i.imageId)).toEqual(['ami-c']);
    expect(retirementCandidates(images, 5, 'ami-b')).toEqual([]);
  });
});

describe('destinations', () => {
  it('reuses an available earlier copy before a pending one; lists broken ones for removal, never one still copying', () => {
    const found = [
      { ImageId: 'ami-src', State: 'available' },
      { ImageId: 'ami-p', State: 'pending' },
      { ImageId: 'ami-ok', State: 'available' },
      { ImageId: 'ami-bad', State: 'failed' },
      { ImageId: 'ami-gone', State: 'deregistered' },
    ];
    const { usable, broken } = classifyCopies(found, 'ami-src');
    expect(usable?.ImageId).toBe('ami-ok');
    expect(broken.map((b) => b.ImageId)).toEqual(['ami-bad']);
    expect(classifyCopies(found.slice(1, 2), 'ami-src').usable?.ImageId).toBe('ami-p');
  });
  it('copies carry the provenance, the lineage and gate=none only when the gate is off', () => {
    const source = { 'ami-bakery:verify': 'passed', 'ami-bakery:source-ami': 'ami-base', Name: 'x' };
    const cfg = { amiId: 'ami-build', sourceRegion: 'eu-west-1', tags: { team: 'platform' } };
    const gated = destinationTags(source, { ...cfg, require: parseRequire('') }, 'golden-');
    expect(gated).toEqual({
      'ami-bakery:verify': 'passed',
      'ami-bakery:source-ami': 'ami-build',
      'ami-bakery:source-region': 'eu-west-1',
      'ami-bakery:family': 'golden-',
      team: 'platform',
    });
    expect(destinationTags(source, { ...cfg, require: [] }, 'golden-')['ami-bakery:gate']).toBe('none');
  });
  it('amis output: account → region → image, destinations without an image left out', () => {
    expect(
      amisOf([
        { account: '1', region: 'a', imageId: 'ami-1' },
        { account: '1', region: 'b' },
        { account: '2', region: 'a', imageId: 'ami-2' },
      ]),
    ).toEqual({ '1': { a: 'ami-1' }, '2': { a: 'ami-2' } });
  });
});

describe('the promote summary', () => {
  const r = (region: string, outcome: DestResult['outcome'], error?: string): DestResult => ({
    account: '111122223333',
    region,
    state: 'copy',
    imageId: outcome === 'failed' ? undefined : `ami-${region}`,
    outcome,
    seconds: 3,
    retired: 0,
    ...(error ? { error } : {}),
  });
  const cfg = { amiId: 'ami-build', sourceRegion: 'eu-west-1', require: parseRequire('') };
  it('says nothing is golden when one destination failed, and what a re-run does', () => {
    const md = promoteSummary(cfg, {
      name: 'n',
      results: [r('eu-west-1', 'copied'), r('us-east-1', 'failed', 'a | b')],
    });
    expect(md).toContain(
      '| 111122223333 | eu-west-1 | copied | `ami-eu-west-1` | 3 s | available, not golden yet | 0 |',
    );
    expect(md).toContain('❌ a \\| b');
    expect(md).toMatch(
      /1 of 2 destination\(s\) failed\. Nothing was tagged golden\. Available: 111122223333\/eu-west-1\./,
    );
  });
  it('all golden, and a gate turned off is shown', () => {
    const md = promoteSummary({ ...cfg, require: [] }, { name: 'n', results: [r('eu-west-1', 'reused')] });
    expect(md).toContain('gate off (require: none)');
    expect(md).toContain('All 1 destination(s) are golden.');
  });
});

describe('stale candidates', () => {
  const img = (id: string, status: string, source: string, hoursOld: number) => ({
    ImageId: id,
    CreationDate: new Date(Date.parse('2026-11-23T12:00:00Z') - hoursOld * 3_600_000).toISOString(),
    Tags: [
      { Key: 'ami-bakery:status', Value: status },
      { Key: 'ami-bakery:source-ami', Value: source },
    ],
  });
  it("only another source's candidates older than the TTL: never this run's, never a golden image", () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const found = [
      img('ami-crashed', 'candidate', 'ami-other', 30),
      img('ami-running', 'candidate', 'ami-other', 2),
      img('ami-mine', 'candidate', 'ami-this', 30),
      img('ami-golden', 'golden', 'ami-other', 300),
    ];
    expect(staleCandidates(found, 'ami-this', now, 24 * 3_600_000).map((i) => i.ImageId)).toEqual([
      'ami-crashed',
    ]);
  });
});

describe('quarantine', () => {
  const img = (id: string, date: string, tags: Record<string, string>, State = 'available') => ({
    ImageId: id,
    CreationDate: date,
    State,
    Tags: Object.entries({ 'ami-bakery:status': 'golden', ...tags }).map(([Key, Value]) => ({ Key, Value })),
  });
  it('rolls back to the newest golden image that passed its scan and is neither vulnerable nor quarantined', () => {
    const golden = [
      img('ami-01', '2026-08-01', { 'ami-bakery:scan': 'passed' }),
      img('ami-02', '2026-09-01', { 'ami-bakery:scan': 'passed' }),
      img('ami-03', '2026-10-01', { 'ami-bakery:scan': 'failed' }),
      img('ami-04', '2026-10-15', { 'ami-bakery:scan': 'passed', 'ami-bakery:vulnerable': 'true' }),
      img('ami-05', '2026-11-01', { 'ami-bakery:scan': 'passed' }),
      img('ami-06', '2026-11-02', { 'ami-bakery:scan': 'passed' }, 'deregistered'),
    ];
    expect(rollbackTarget(golden, new Set(['ami-05']))?.ImageId).toBe('ami-02');
    expect(rollbackTarget(golden.slice(2, 4), new Set())).toBeUndefined();
  });
  it('starts from the build AMI a golden copy was made from', () => {
    expect(
      quarantineRoot('ami-0copy', 'eu-west-1', {
        'ami-bakery:status': 'golden',
        'ami-bakery:source-ami': 'ami-0build',
        'ami-bakery:source-region': 'us-east-1',
      }),
    ).toEqual({ amiId: 'ami-0build', region: 'us-east-1' });
    // a baked image's source-ami is its base image: it is its own root
    expect(quarantineRoot('ami-0build', 'us-east-1', { 'ami-bakery:source-ami': 'ami-0canonical' })).toEqual({
      amiId: 'ami-0build',
      region: 'us-east-1',
    });
  });
});

describe('launch-templates', () => {
  it('parses account:region:id or name, and names what is not a destination', () => {
    const refs = parseLaunchTemplates([
      '111111111111:us-east-1:lt-0123456789abcdef0',
      '222222222222:eu-west-1:web-servers',
    ]);
    expect(refs).toEqual([
      {
        account: '111111111111',
        region: 'us-east-1',
        id: 'lt-0123456789abcdef0',
        raw: '111111111111:us-east-1:lt-0123456789abcdef0',
      },
      {
        account: '222222222222',
        region: 'eu-west-1',
        name: 'web-servers',
        raw: '222222222222:eu-west-1:web-servers',
      },
    ]);
    expect(launchTemplateProblems(refs, ['111111111111'], ['us-east-1', 'eu-west-1'])).toEqual([
      '222222222222:eu-west-1:web-servers: account 222222222222 is not a destination (accounts: 111111111111)',
    ]);
    expect(() => parseLaunchTemplates(['111111111111:us-east-1:lt-123'])).toThrow(/not a launch template id/);
    expect(() => parseLaunchTemplates(['111111111111:moon-1:web'])).toThrow(/"moon-1" is not an AWS region/);
  });
});

describe('ami-id: one image, a list, or bake’s ami-ids', () => {
  const A = 'ami-0123456789abcdef0';
  const Bm = 'ami-0fedcba9876543210';
  it('reads one id, a list (comma or newline), and the architecture → AMI map bake outputs', () => {
    expect(parseAmiIds(A)).toEqual({ ids: [A], expectedArch: {} });
    expect(parseAmiIds(`${A}, ${Bm}`).ids).toEqual([A, Bm]);
    expect(parseAmiIds(`${A}\n${Bm}\n`).ids).toEqual([A, Bm]);
    expect(parseAmiIds(JSON.stringify({ x86_64: A, arm64: Bm }))).toEqual({
      ids: [A, Bm],
      expectedArch: { [A]: 'x86_64', [Bm]: 'arm64' },
    });
  });
  it.each([
    ['blank', '  \n ', /is required but was empty/],
    ['unicode', 'ami-０１２３４５６７', /is not an AMI id/],
    [
      'huge',
      Array.from({ length: 21 }, (_, i) => `ami-${String(i).padStart(8, '0')}`).join(','),
      /lists 21 AMIs; one promote run carries at most 20/,
    ],
    [
      'huge JSON',
      `{"x86_64":"${'a'.repeat(100_000)}"}`,
      /is not bake's ami-ids \(.*\): x86_64 must match pattern/,
    ],
    ['wrong type: a JSON array', '["ami-0123456789abcdef0"]', /is not an AMI id/],
    ['wrong type: a number value', '{"x86_64": 123}', /is not bake's ami-ids \(.*\): x86_64 must be string/],
    [
      'wrong type: an empty map',
      '{}',
      /is not bake's ami-ids \(.*\): the document must NOT have fewer than 1 properties/,
    ],
    ['hex in upper case', 'ami-0123456789ABCDEF0', /is not an AMI id/],
    [
      'not an architecture',
      '{"amd64":"ami-0123456789abcdef0"}',
      /is not bake's ami-ids \(.*\): the document must match pattern "\^\(x86_64\|arm64/,
    ],
    ['traversal', '../ami-0123456789abcdef0', /is not an AMI id/],
    ['injection', 'ami-0123456789abcdef0;rm -rf /', /is not an AMI id/],
    ['broken JSON', '{"x86_64": "ami-0123456789abcdef0"', /starts with \{ and is not valid JSON/],
    ['one AMI twice', `${A},${A}`, /lists ami-0123456789abcdef0 twice/],
    [
      'one AMI under two architectures',
      JSON.stringify({ x86_64: A, arm64: A }),
      /names ami-0123456789abcdef0 under two architectures/,
    ],
  ])('refuses %s', (_why, raw, error) => {
    expect(() => parseAmiIds(raw)).toThrow(error);
  });
  it('sources of one run need distinct names, parameters and family × architecture', () => {
    const s = (amiId: string, over: Record<string, string> = {}) => ({
      amiId,
      name: `golden-${amiId}`,
      family: 'golden-',
      architecture: amiId === A ? 'x86_64' : 'arm64',
      ssmParameter: `/golden/${amiId}`,
      ...over,
    });
    expect(() => checkSourcesApart([s(A), s(Bm)])).not.toThrow();
    expect(() => checkSourcesApart([s(A), s(Bm, { name: `golden-${A}` })])).toThrow(
      /would both be copied as "golden-ami-0123456789abcdef0"/,
    );
    expect(() => checkSourcesApart([s(A), s(Bm, { ssmParameter: `/golden/${A}` })])).toThrow(
      /would both be published as/,
    );
    expect(() => checkSourcesApart([s(A), s(Bm, { architecture: 'x86_64' })])).toThrow(
      /are both of family golden- \(x86_64\)/,
    );
    // another family of the same architecture is fine
    expect(() =>
      checkSourcesApart([s(A), s(Bm, { architecture: 'x86_64', family: 'debian-' })]),
    ).not.toThrow();
  });
});
