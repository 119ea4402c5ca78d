/**
 * The world the workflow play runs in (test/workflow-play.test.ts): a runner image, the stand-ins
 * of the services the reusable workflow reaches, and the documented effects of its third-party
 * actions. Test support.
 *
 *   - the runner image (ubuntu-latest, Ubuntu 24.04): this machine's tools less those GitHub's image
 *     does not ship (Terraform was removed in 24.04, actions/runner-images#9848; no OpenSCAP, Lynis
 *     or InSpec), and the internet's one address the workflow asks (checkip.amazonaws.com);
 *   - the tool cache (RUNNER_TOOL_CACHE) holds what a download would put there: Terraform 1.11.4
 *     (this machine's binary) and ComplianceAsCode 0.1.65's data stream (Debian's ssg-debderived);
 *   - the OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL): a token whose claims say which
 *     workflow runs and for which subject (`repo:…:environment:…`, `…:pull_request`, `…:ref:…`);
 *   - aws-actions/configure-aws-credentials: AssumeRoleWithWebIdentity, allowed only when the
 *     role's trust policy (examples/iam) admits the job's subject, and only with id-token: write;
 *   - actions/checkout, actions/setup-node, actions/upload-artifact, github/codeql-action/upload-sarif:
 *     their effects.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { wildcardRegExp } from '../../shared/src/regexp.js';
import type { Credentials, Ec2Sandbox } from '../sandbox/ec2-sandbox.js';
import type { Effect, JobContext } from './workflow-player.js';

/** Not on GitHub's ubuntu-24.04 runner image. */
export const NOT_ON_RUNNER = ['terraform', 'oscap', 'oscap-ssh', 'oscap-chroot', 'lynis', 'inspec'];

/** A PATH directory of this machine's tools that the runner image also has. */
export function runnerBin(dir: string, hostIp: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (!d || !fs.existsSync(d)) continue;
    for (const name of fs.readdirSync(d)) {
      const target = path.join(d, name);
      if (NOT_ON_RUNNER.includes(name) || fs.existsSync(path.join(dir, name))) continue;
      try {
        if (fs.statSync(target).isFile()) fs.symlinkSync(target, path.join(dir, name));
      } catch {}
    }
  }
  fs.rmSync(path.join(dir, 'node'), { force: true });
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  // the one internet address the workflow asks: the runner's public address
  const curl = fs.realpathSync(path.join(dir, 'curl'));
  fs.rmSync(path.join(dir, 'curl'));
  fs.writeFileSync(
    path.join(dir, 'curl'),
    `#!/bin/sh\nfor a in "$@"; do [ "$a" = https://checkip.amazonaws.com ] && { echo ${hostIp}; exit 0; }; done\nexec ${curl} "$@"\n`,
    { mode: 0o755 },
  );
  return dir;
}

/** RUNNER_TOOL_CACHE as a download would have left it (@actions/tool-cache's layout). */
export function toolCache(dir: string): string {
  const put = (tool: string, version: string, files: Record<string, string>) => {
    const d = path.join(dir, tool, version, 'x64');
    fs.mkdirSync(d, { recursive: true });
    for (const [name, from] of Object.entries(files)) fs.copyFileSync(from, path.join(d, name));
    fs.writeFileSync(`${d}.complete`, '');
  };
  const terraform = execFileSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).trim();
  put('terraform', '1.11.4', { terraform });
  fs.chmodSync(path.join(dir, 'terraform/1.11.4/x64/terraform'), 0o755);
  put('complianceascode', '0.1.65', {
    'ssg-ubuntu2204-ds.xml': '/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml',
    // Debian's own ssg-debian ships the Debian 11 data stream (a fleet's second family)
    'ssg-debian11-ds.xml': '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml',
  });
  return dir;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The OIDC subject of a job, as GitHub forms it. */
export function subjectOf(repo: string, job: JobContext, github: Record<string, unknown>): string {
  if (job.environment) return `repo:${repo}:environment:${job.environment}`;
  if (github.event_name === 'pull_request') return `repo:${repo}:pull_request`;
  return `repo:${repo}:ref:${github.ref}`;
}

/** The token service: GET ?audience=… answers { value: <unsigned JWT with the claims> }. */
export async function startOidc(claims: (token: string) => Record<string, unknown>) {
  const server = http.createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^bearer /i, '');
    const audience = new URL(req.url ?? '/', 'http://x').searchParams.get('audience');
    const jwt = `${b64url({ alg: 'none' })}.${b64url({ ...claims(token), aud: audience })}.`;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: jwt }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Role {
  arn: string;
  trustFile: string;
  credentials: Credentials;
}

/** Whether a trust policy admits a web identity subject (StringLike / StringEquals on `:sub`). */
export function trustAdmits(policyText: string, sub: string): boolean {
  const policy = JSON.parse(policyText) as {
    Statement: Array<{ Effect: string; Action: string; Condition?: Record<string, Record<string, unknown>> }>;
  };
  return policy.Statement.some((s) => {
    if (s.Effect !== 'Allow' || s.Action !== 'sts:AssumeRoleWithWebIdentity') return false;
    const like = s.Condition?.StringLike?.['token.actions.githubusercontent.com:sub'];
    const equals = s.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'];
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
    return list(like).some((p) => wildcardRegExp(p).test(sub)) || list(equals).some((p) => p === sub);
  });
}

export interface Effects {
  repo: string;
  /** the consumer's repository, committed (actions/checkout copies it) */
  consumer: string;
  /** ami-bakery's own repository (the .ami-bakery checkout copies its actions' bundles) */
  self: { dir: string; repository: string; ref: string };
  roles: Role[];
  sandbox: Ec2Sandbox;
  github: Record<string, unknown>;
  /** which role each job assumed */
  assumed: Map<string, string>;
  artifacts: Map<string, string[]>;
  sarif: Array<{ job: string; category: string; results: number }>;
}

export function effects(w: Effects): Record<string, Effect> {
  const checkout: Effect = (job, inp) => {
    if (!inp.repository) {
      fs.cpSync(w.consumer, job.workspace, { recursive: true });
      return {};
    }
    if (inp.repository !== w.self.repository || inp.ref !== w.self.ref)
      throw new Error(
        `checkout of ${inp.repository}@${inp.ref}: the play has only ${w.self.repository}@${w.self.ref}`,
      );
    const to = path.join(job.workspace, inp.path || '.');
    for (const a of ['action-bake', 'action-verify', 'action-scan', 'action-promote']) {
      fs.mkdirSync(path.join(to, a), { recursive: true });
      fs.copyFileSync(path.join(w.self.dir, a, 'action.yml'), path.join(to, a, 'action.yml'));
      fs.cpSync(path.join(w.self.dir, a, 'dist'), path.join(to, a, 'dist'), { recursive: true });
    }
    // the CLI (a fleet's plan job runs it): its launcher, committed bundle and the workflow it plans for
    for (const d of ['bin', 'cli/dist', '.github/workflows'])
      fs.cpSync(path.join(w.self.dir, d), path.join(to, d), { recursive: true });
    return {};
  };
  // the runner's Node is the one the suite runs on (24): asking for another is a play problem
  const setupNode: Effect = (_job, inp) => {
    const want = String(inp['node-version'] ?? '').trim();
    if (want.split('.')[0] !== process.versions.node.split('.')[0])
      throw new Error(
        `setup-node ${want || '(no version)'}: the play's runner has Node ${process.versions.node}`,
      );
    return { 'node-version': `v${process.versions.node}` };
  };
  const credentials: Effect = (job, inp) => {
    if (job.permissions['id-token'] !== 'write')
      throw new Error(
        'configure-aws-credentials: no OIDC token (the job lacks permissions: id-token: write)',
      );
    const role = w.roles.find((r) => r.arn === inp['role-to-assume']);
    if (!role) throw new Error(`AssumeRoleWithWebIdentity: no role ${inp['role-to-assume'] || '(empty)'}`);
    const sub = subjectOf(w.repo, job, w.github);
    if (!trustAdmits(fs.readFileSync(role.trustFile, 'utf8'), sub))
      throw new Error(`AssumeRoleWithWebIdentity: ${role.arn}'s trust policy does not admit ${sub}`);
    w.assumed.set(job.id, role.arn);
    Object.assign(job.env, w.sandbox.env(role.credentials, inp['aws-region']), {
      AWS_DEFAULT_REGION: inp['aws-region'],
    });
    return { 'aws-account-id': role.credentials.accountId };
  };
  const upload: Effect = (job, inp): Record<string, string> => {
    if (w.artifacts.has(inp.name))
      throw new Error(`an artifact named ${inp.name} already exists in this run`);
    const found = inp.path
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => path.join(job.workspace, p))
      .filter((p) => fs.existsSync(p));
    if (!found.length && inp['if-no-files-found'] !== 'ignore')
      throw new Error(`upload-artifact ${inp.name}: no files at ${inp.path}`);
    if (!found.length) return {};
    w.artifacts.set(
      inp.name,
      found.map((p) => path.relative(job.workspace, p)),
    );
    return {
      'artifact-id': String(w.artifacts.size),
      'artifact-url': `https://github.com/${w.repo}/actions/artifacts/${w.artifacts.size}`,
    };
  };
  const sarif: Effect = (job, inp) => {
    if (job.permissions['security-events'] !== 'write')
      throw new Error('upload-sarif: the job lacks permissions: security-events: write');
    const file = path.resolve(job.workspace, inp.sarif_file);
    const log = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: Array<{ results: unknown[] }> };
    w.sarif.push({ job: job.id, category: inp.category, results: log.runs.flatMap((r) => r.results).length });
    return { 'sarif-id': 'play' };
  };
  return {
    'actions/checkout': checkout,
    'aws-actions/configure-aws-credentials': credentials,
    'actions/upload-artifact': upload,
    'actions/setup-node': setupNode,
    'github/codeql-action/upload-sarif': sarif,
  };
}
