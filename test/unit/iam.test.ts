/**
 * The two roles (issue 24 item 3), checked against the code rather than against a list of our own:
 * every AWS call each stage's source makes (its SDK commands, paginators and waiters, by the client
 * package it imports them from) must be allowed by the policy of the role the reusable workflow
 * gives that stage, and the build role, which runs pull-request code, must allow nothing that
 * copies, shares, publishes, rolls out or deregisters. The promote role's trust must require the
 * golden-ami environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
const policy = (f: string): Statement[] =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/iam', f), 'utf8')).Statement;

const SERVICE: Record<string, string> = {
  'client-ec2': 'ec2',
  'client-ssm': 'ssm',
  'client-sts': 'sts',
  'client-auto-scaling': 'autoscaling',
  'client-inspector2': 'inspector2',
};

/** The IAM actions a directory's code calls: `new XCommand`, `paginateX`, `waitUntil…` (EC2 status: DescribeInstanceStatus). */
function actionsCalledIn(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        // static imports and the lazy ones (`const { XCommand } = await import('@aws-sdk/client-…')`)
        for (const m of text.matchAll(
          /(?:import|const)\s*\{([^}]*)\}\s*(?:from|=\s*await\s+import\()\s*'@aws-sdk\/(client-[\w-]+)'/g,
        )) {
          const service = SERVICE[m[2]];
          if (!service) continue;
          for (const raw of m[1].split(',')) {
            const name = raw
              .replace(/^\s*type\s+/, '')
              .trim()
              .split(/\s+as\s+/)[0];
            if (!text.match(new RegExp(`\\b${name}\\b`, 'g'))?.slice(1).length) continue; // imported, not used
            const command = /^([A-Z]\w+)Command$/.exec(name)?.[1];
            const paginated = /^paginate([A-Z]\w+)$/.exec(name)?.[1];
            const waited = /^waitUntil(Instance\w+)$/.test(name) ? 'DescribeInstanceStatus' : undefined;
            const action = command ?? paginated ?? waited;
            if (action) out.add(`${service}:${action}`);
          }
        }
      }
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

const matches = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(action);
const allows = (statements: Statement[], action: string) =>
  statements.some((s) => s.Effect === 'Allow' && [s.Action ?? []].flat().some((a) => matches(a, action)));

const BUILD = policy('build-role-policy.json');
const PROMOTE = policy('promote-role-policy.json');

describe('the build role (bake, verify, scan: the jobs that run pull-request code)', () => {
  it('allows every AWS call bake, verify and scan make, and the shared code they use', () => {
    const called = new Set(
      ['action-bake/src', 'action-verify/src', 'action-scan/src', 'shared/src'].flatMap((d) => [
        ...actionsCalledIn(d),
      ]),
    );
    // calls signed by hand with the SDK's signer (no SDK client exists for them): named here, and
    // checked to be in the code still
    const signed: Array<[string, RegExp, string]> = [
      [
        'action-scan/src/vuln-api.ts',
        /service: 'inspector-scan'[\s\S]*\/scan\/sbom/,
        'inspector-scan:ScanSbom',
      ],
    ];
    for (const [file, call, action] of signed) {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8'), `${file} no longer makes ${action}`).toMatch(
        call,
      );
      called.add(action);
    }
    expect(called).toContain('inspector2:ListFindings');
    // the source of truth is the code: a sanity floor, so an empty scan of the sources cannot pass
    expect(called.size).toBeGreaterThan(6);
    expect([...called].filter((a) => !allows(BUILD, a))).toEqual([]);
  });

  it('cannot copy, share, publish, roll out, deregister or enter the destination accounts', () => {
    for (const s of BUILD) {
      expect(s.NotAction, 'NotAction grants everything it does not name').toBeUndefined();
      expect([s.Action].flat()).not.toContain('*');
    }
    const forbidden = [
      'ec2:CopyImage',
      'ec2:ModifyImageAttribute',
      'ec2:ModifySnapshotAttribute',
      'ec2:EnableImageDeprecation',
      'ec2:DisableImageDeregistrationProtection',
      'ec2:DeregisterImage',
      'ec2:DeleteSnapshot',
      'ec2:CreateLaunchTemplateVersion',
      'ec2:ModifyLaunchTemplate',
      'autoscaling:StartInstanceRefresh',
      'ssm:PutParameter',
      'ssm:DeleteParameter',
      'sts:AssumeRole',
    ];
    expect(forbidden.filter((a) => allows(BUILD, a))).toEqual([]);
    // and every one of them is something promote does: the line between the roles is the code's
    const promoteCalls = actionsCalledIn('action-promote/src');
    expect(forbidden.filter((a) => promoteCalls.has(a)).length).toBeGreaterThan(8);
  });

  it('cannot retag a golden, quarantined or candidate image, except to mark it vulnerable (re-scan in use)', () => {
    const tagging = BUILD.filter((x) => [x.Action].flat().includes('ec2:CreateTags'));
    expect(tagging.length).toBeGreaterThan(0);
    for (const s of tagging) {
      const c = (s.Condition ?? {}) as Record<string, Record<string, string | string[]>>;
      const onCreate = c.StringEquals?.['ec2:CreateAction'];
      const notOurs = [c.StringNotEquals?.['aws:ResourceTag/ami-bakery:status'] ?? []].flat();
      const keys = [c['ForAllValues:StringLike']?.['aws:TagKeys'] ?? []].flat();
      const onlyVulnerable = keys.length > 0 && keys.every((k) => /^ami-bakery:vulnerable[*-]/.test(k));
      expect(
        !!onCreate ||
          onlyVulnerable ||
          ['golden', 'quarantined', 'candidate'].every((v) => notOurs.includes(v)),
        JSON.stringify(s),
      ).toBe(true);
    }
  });
});

describe('the promote role (stage, promote, quarantine, discard)', () => {
  it('allows every AWS call promote makes, and the shared code it uses', () => {
    const called = new Set([...actionsCalledIn('action-promote/src'), ...actionsCalledIn('shared/src')]);
    expect(called.size).toBeGreaterThan(15);
    expect([...called].filter((a) => !allows(PROMOTE, a))).toEqual([]);
  });

  it('trusts only the golden-ami environment of one repository; the build role does not', () => {
    const subjects = (f: string) =>
      policy(f).flatMap((s) => {
        const c = s.Condition ?? {};
        return [c.StringEquals, c.StringLike]
          .flatMap((x) => [x?.['token.actions.githubusercontent.com:sub'] ?? []].flat())
          .map((v) => ({ v, like: c.StringLike?.['token.actions.githubusercontent.com:sub'] !== undefined }));
      });
    const promote = subjects('promote-role-trust.json');
    expect(promote.length).toBeGreaterThan(0);
    for (const { v } of promote) expect(v).toMatch(/^repo:[^*?:]+\/[^*?:]+:environment:golden-ami$/);
    // every statement of the trust names a subject: none trusts the provider as a whole
    for (const s of policy('promote-role-trust.json'))
      expect(JSON.stringify(s.Condition ?? {})).toContain('token.actions.githubusercontent.com:sub');
    for (const { v } of subjects('build-role-trust.json'))
      expect(v).not.toMatch(/environment:golden-ami|:\*$/);
  });
});
