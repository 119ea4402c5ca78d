/**
 * The reusable workflow's promote path (issue 14), read from the YAML as the runner would: stage runs
 * beside verify-and-scan (it needs only bake), publish after both, discard when nothing was published.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers.js';
import { evaluate } from './support/workflow-player.js';

type Job = { needs?: string[]; if?: string; steps: Array<{ uses?: string; with?: Record<string, string> }> };
const wf = parse(fs.readFileSync(path.join(ROOT, '.github/workflows/golden-ami.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};
const promoteStep = (job: Job) => job.steps.find((s) => s.uses?.includes('action-promote'));

describe('golden-ami.yml: one architecture per call (issue 25)', () => {
  const steps = wf.jobs.bake.steps as Array<{ name?: string; if?: string; run?: string; uses?: string }>;
  const guard = steps.find((s) => s.name === 'one architecture per call')!;
  const after = steps.indexOf(guard);
  it('comes right after bake, before anything else can use the first build alone', () => {
    expect(steps[after - 1].uses).toMatch(/action-bake$/);
    expect(guard.run).toMatch(/::error .*Nothing was verified, scanned or promoted.*\n\s*exit 1/s);
  });
  it.each([
    ['["arm64","x86_64"]', true],
    ['["arm64","i386","x86_64"]', true],
    ['["x86_64"]', false],
    ['["arm64"]', false],
    ['[]', false],
    ['', false],
  ])('fails the call when bake built %s: %s (GitHub’s own evaluator)', (architectures, fails) => {
    const expr = guard.if!.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
    const v = evaluate(
      expr,
      { steps: { bake: { outputs: { architectures } } } },
      {
        success: true,
        failure: false,
        cancelled: false,
      },
    );
    expect(Boolean(v)).toBe(fails);
  });
});

describe('golden-ami.yml: copies overlap verify and scan', () => {
  it('stage needs only bake, so it runs in parallel with verify-and-scan, and only on the default branch unless stage-on-pr', () => {
    expect(wf.jobs.stage.needs).toEqual(['setup', 'bake']);
    expect(promoteStep(wf.jobs.stage)?.with?.mode).toBe('stage');
    expect(wf.jobs.stage.if).toMatch(/default_branch/);
    expect(wf.jobs.stage.if).toMatch(/inputs\.stage-on-pr/);
    expect(wf.jobs['verify-and-scan'].needs).not.toContain('stage');
  });
  it('publish waits for verify-and-scan and stage, runs on the default branch only, and is gated', () => {
    const job = wf.jobs.promote;
    expect(job.needs).toEqual(expect.arrayContaining(['verify-and-scan', 'stage']));
    expect(job.if).toMatch(/needs\.verify-and-scan\.result == 'success'/);
    expect(job.if).toMatch(/default_branch/);
    const step = promoteStep(job);
    expect(step?.with?.mode).toBe('publish');
    expect(step?.with?.require).toMatch(/verify=passed,scan=passed/);
  });
  it('discard runs whenever staged copies were not published (gate failed, cancelled, pull request)', () => {
    const job = wf.jobs.discard;
    expect(job.if).toMatch(/always\(\)/);
    expect(job.if).toMatch(/needs\.stage\.result != 'skipped'/);
    expect(job.if).toMatch(/needs\.promote\.result != 'success'/);
    expect(promoteStep(job)?.with?.mode).toBe('discard');
    // the same destinations as stage, so every candidate is found
    for (const k of ['regions', 'accounts', 'role-name', 'ami-id'])
      expect(promoteStep(job)?.with?.[k]).toBe(promoteStep(wf.jobs.stage)?.with?.[k]);
  });
});

describe('golden-ami.yml: the scheduled rebake', () => {
  const bakeStep = wf.jobs.bake.steps.find((s) => s.uses?.includes('action-bake'));
  it('bakes with skip-unchanged on scheduled runs (and when asked)', () => {
    expect(bakeStep?.with?.['skip-unchanged']).toBe(
      "${{ inputs.skip-unchanged || github.event_name == 'schedule' }}",
    );
  });
  it('a skipped bake stops the run: nothing to verify, scan, stage, publish or discard', () => {
    expect(wf.jobs['verify-and-scan'].if).toMatch(/needs\.bake\.outputs\.skipped != 'true'/);
    expect(wf.jobs.stage.if).toMatch(/needs\.bake\.outputs\.skipped != 'true'/);
    // publish needs a successful verify-and-scan, discard a stage that ran
    expect(wf.jobs.promote.if).toMatch(/needs\.verify-and-scan\.result == 'success'/);
    expect(wf.jobs.discard.if).toMatch(/needs\.stage\.result != 'skipped'/);
  });
  it('the example consumer rebakes daily and re-scans weekly', () => {
    const ex = parse(fs.readFileSync(path.join(ROOT, 'examples/workflows/golden-ami.yml'), 'utf8'));
    const crons = ex.on.schedule.map((s: { cron: string }) => s.cron);
    expect(crons).toHaveLength(2);
    expect(ex.jobs.golden.with.rescan).toBe(`\${{ github.event.schedule == '${crons[1]}' }}`);
  });
});

describe('golden-ami.yml: quarantine after a failed re-scan', () => {
  it('runs promote mode quarantine on the image in use when the re-scan gate (not the infrastructure) failed', () => {
    const job = wf.jobs.quarantine;
    expect(job.needs).toEqual(['setup', 'find-in-use', 'verify-and-scan']);
    expect(job.if).toMatch(/inputs\.rescan && inputs\.quarantine/);
    expect(job.if).toMatch(/needs\.verify-and-scan\.outputs\.gate == 'failed'/);
    const step = promoteStep(job);
    expect(step?.with?.mode).toBe('quarantine');
    expect(step?.with?.['ami-id']).toBe('${{ needs.find-in-use.outputs.ami-id }}');
    expect(step?.with?.['ssm-parameter']).toBe('${{ inputs.ssm-parameter }}');
  });
});

describe('golden-ami.yml: reports where reviewers look (issue 24)', () => {
  const job = wf.jobs['verify-and-scan'] as Job & { permissions?: Record<string, string> };
  const steps = job.steps as Array<{
    uses?: string;
    if?: string;
    with?: Record<string, string>;
    run?: string;
    env?: Record<string, string>;
  }>;
  it('uploads the SARIF (one category per profile) with the permission it needs, only when the scan wrote one', () => {
    const up = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(up?.with?.sarif_file).toBe('${{ steps.scan.outputs.sarif-file }}');
    expect(up?.with?.category).toContain('${{ inputs.scan-profile }}');
    expect(up?.if).toContain("steps.scan.outputs.sarif-file != ''");
    expect(job.permissions?.['security-events']).toBe('write');
    // a reusable workflow gets no more than its caller grants: the example grants it
    const example = fs.readFileSync(path.join(ROOT, 'examples/workflows/golden-ami.yml'), 'utf8');
    expect(example).toMatch(/permissions:\s*\{[^}]*security-events: write/);
  });
  it('keeps the HTML report as an artifact of its own and the raw results too; the summary links the report and the alerts', () => {
    const html = steps.find(
      (s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path === 'ami-bakery-scan.html',
    );
    expect(html?.with?.name).toMatch(/^scan-report-/);
    const scan = steps.find((s) => s.uses?.includes('action-scan') && s.with?.target?.startsWith('ssh://'));
    expect(scan?.with?.['results-file']).toBe('ami-bakery-results-arf.xml');
    expect(steps.some((s) => s.with?.path?.includes('ami-bakery-results-arf.xml'))).toBe(true);
    const summary = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY') && s.env?.REPORT_URL);
    expect(summary?.env?.REPORT_URL).toBe('${{ steps.report.outputs.artifact-url }}');
    // inputs reach the shell through the environment, never in the script's text
    expect(summary?.run).not.toContain('${{');
  });
});

describe('golden-ami.yml: two roles (issue 24)', () => {
  type RoleJob = Omit<Job, 'steps'> & {
    environment?: string;
    steps: Array<{
      name?: string;
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
    }>;
  };
  const jobs = wf.jobs as Record<string, RoleJob>;
  const roleOf = (job: RoleJob) =>
    job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))?.with?.[
      'role-to-assume'
    ];

  it('pull-request code runs with the build role; every job that copies, publishes or deletes with the promote role, in golden-ami', () => {
    for (const name of ['bake', 'find-in-use', 'verify-and-scan']) {
      expect(roleOf(jobs[name]), name).toBe('${{ inputs.role-to-assume }}');
      expect(jobs[name].environment, name).toBeUndefined();
    }
    const withAws = Object.entries(jobs).filter(([, j]) => roleOf(j));
    const publishing = withAws.filter(([, j]) => promoteStep(j));
    expect(publishing.map(([n]) => n).sort()).toEqual(['discard', 'promote', 'quarantine', 'stage']);
    for (const [name, job] of publishing) {
      expect(roleOf(job), name).toMatch(
        /^\$\{\{ inputs\.promote-role-to-assume \|\| inputs\.role-to-assume \}\}$/,
      );
      expect(job.environment, name).toBe('golden-ami');
    }
    // every job with AWS credentials waits for the setup job's roles check, directly or through bake/find-in-use
    const waits = (n: string): boolean => n === 'setup' || (jobs[n].needs ?? []).some(waits);
    for (const [name] of withAws) expect(waits(name), name).toBe(true);
  });

  // the committed step itself, run by bash with the values the runner would put in its env
  const check = jobs.setup.steps.find((s) => s.name?.startsWith('Two roles'))!;
  const play = (env: Record<string, string>) =>
    spawnSync('bash', ['-e', '-c', check.run!], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
  it.each([
    ['two roles', 'arn:build', 'arn:promote', 'false', 0, /^Build role for bake/],
    ['no promote role', 'arn:build', '', 'false', 1, /^::error title=No promote role::/],
    ['the same role twice', 'arn:build', 'arn:build', 'false', 1, /^::error title=One role for every job::/],
    ['one role, accepted', 'arn:build', '', 'true', 0, /^::warning title=One role for every job::/],
  ])('%s: exit %#', (_, build, promote, one, code, said) => {
    expect(Object.keys(check.env ?? {}).sort()).toEqual(['BUILD_ROLE', 'ONE_ROLE', 'PROMOTE_ROLE']);
    const r = play({ BUILD_ROLE: build, PROMOTE_ROLE: promote, ONE_ROLE: one });
    expect(r.status).toBe(code);
    expect(r.stdout).toMatch(said);
  });
  it('the example consumer gives two roles', () => {
    const consumer = parse(fs.readFileSync(path.join(ROOT, 'examples/workflows/golden-ami.yml'), 'utf8')) as {
      jobs: Record<string, { with: Record<string, string> }>;
    };
    const w = consumer.jobs.golden.with;
    expect(w['promote-role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(w['promote-role-to-assume']).not.toBe(w['role-to-assume']);
  });
});

describe('golden-ami.yml: runs its own actions, from whichever repository and ref it is called (issue 24)', () => {
  type Step = { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, string> };
  const jobs = wf.jobs as unknown as Record<string, { needs?: string[]; steps: Step[] }>;
  const self = jobs.setup.steps.find((s) => s.id === 'self')!;

  it('names no upstream action: every ami-bakery step runs from the checkout of this workflow’s own repository and ref', () => {
    const text = fs.readFileSync(path.join(ROOT, '.github/workflows/golden-ami.yml'), 'utf8');
    expect(text.split('\n').filter((l) => /^\s*(-\s*)?uses:\s*ami-bakery\//.test(l))).toEqual([]);
    let local = 0;
    for (const [name, job] of Object.entries(jobs)) {
      const first = job.steps.findIndex((s) => s.uses?.startsWith('./.ami-bakery/'));
      if (first < 0) continue;
      local++;
      expect(job.needs, name).toContain('setup');
      const own = job.steps.findIndex(
        (s) => s.uses?.startsWith('actions/checkout') && s.with?.path === '.ami-bakery',
      );
      expect(own, name).toBeGreaterThanOrEqual(0);
      expect(own, name).toBeLessThan(first);
      expect(job.steps[own].with).toMatchObject({
        repository: '${{ needs.setup.outputs.repository }}',
        ref: '${{ needs.setup.outputs.ref }}',
        'persist-credentials': false,
      });
      // the caller's own checkout (which cleans the workspace) comes first, not after ours
      const callers = job.steps.findIndex((s) => s.uses?.startsWith('actions/checkout') && !s.with?.path);
      expect(callers < own, name).toBe(true);
      for (const s of job.steps.filter((x) => x.uses?.startsWith('./')))
        expect(
          fs.existsSync(path.join(ROOT, s.uses!.replace('./.ami-bakery/', ''), 'action.yml')),
          s.uses,
        ).toBe(true);
    }
    expect(local).toBe(7);
  });

  // the committed step, run by bash against a local OIDC token endpoint, as on the runner
  async function resolve(claim: unknown, opts: { url?: boolean } = {}) {
    const seen: string[] = [];
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const server = http.createServer((req, res) => {
      seen.push(`${req.headers.authorization} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: `${b64({ alg: 'RS256' })}.${b64(claim)}.c2lnbmF0dXJl` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-self-'));
    const output = path.join(dir, 'output');
    fs.writeFileSync(output, '');
    try {
      const r = await new Promise<{ code: number; stdout: string }>((done) => {
        execFile(
          'bash',
          ['-c', self.run!],
          {
            cwd: dir,
            env: {
              PATH: process.env.PATH,
              GITHUB_OUTPUT: output,
              ...(opts.url === false
                ? {}
                : {
                    ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
                    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
                  }),
            },
          },
          (err, stdout) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
      return { ...r, output: fs.readFileSync(output, 'utf8'), seen, dir };
    } finally {
      server.close();
    }
  }

  it('a fork under another name resolves its own repository and ref', async () => {
    const r = await resolve({
      job_workflow_ref: 'platform-team/image-factory/.github/workflows/golden-ami.yml@refs/tags/v1.4.0',
      sub: 'repo:acme/images:ref:refs/heads/main',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.output).toBe('repository=platform-team/image-factory\nref=refs/tags/v1.4.0\n');
    expect(r.seen).toEqual(['bearer request-token /token?api-version=2.0&audience=ami-bakery-self']);
  });

  it.each([
    ['no claim', { sub: 'repo:acme/images:ref:refs/heads/main' }],
    ['not a workflow path', { job_workflow_ref: 'acme/images@refs/heads/main' }],
    ['injection in the ref', { job_workflow_ref: 'a/b/.github/workflows/x.yml@refs/heads/$(touch pwned)' }],
    ['a newline in the repository', { job_workflow_ref: 'a/b\nref=evil/.github/workflows/x.yml@main' }],
  ])('refuses %s, writing no output', async (_, claim) => {
    const r = await resolve(claim);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=Unexpected job_workflow_ref::/);
    expect(r.output).toBe('');
    expect(fs.existsSync(path.join(r.dir, 'pwned'))).toBe(false);
  });

  it('without an OIDC token it says what the job lacks', async () => {
    const r = await resolve({}, { url: false });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=No OIDC token::.*id-token: write/);
    expect(r.output).toBe('');
  });
});

describe('golden-ami.yml: the scan job has its content (issue 24)', () => {
  it('downloads a pinned ComplianceAsCode release on the runner, which has none, and keeps the raw results', () => {
    const text = fs.readFileSync(path.join(ROOT, '.github/workflows/golden-ami.yml'), 'utf8');
    const inputs = (
      parse(text) as { on: { workflow_call: { inputs: Record<string, { default?: string }> } } }
    ).on.workflow_call.inputs;
    expect(inputs['content-version'].default).toMatch(/^\d+\.\d+\.\d+$/);
    const job = wf.jobs['verify-and-scan'] as unknown as {
      steps: Array<{ id?: string; with?: Record<string, string> }>;
    };
    const scan = job.steps.find((s) => s.id === 'scan')!;
    expect(scan.with?.['content-version']).toBe('${{ inputs.content-version }}');
    expect(scan.with?.['results-file']).toBeTruthy();
  });
});

/** `${{ … }}` in a value, each evaluated with GitHub's evaluator; a whole-value expression keeps its type. */
function expand(v: string, contexts: Record<string, unknown>): unknown {
  const status = { success: true, failure: false, cancelled: false };
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(v.trim());
  if (whole) return evaluate(whole[1].trim(), contexts, status);
  return v.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => {
    const x = evaluate(e.trim(), contexts, status);
    return x === null || x === undefined ? '' : String(x);
  });
}

describe('golden-fleet.yml (issue 25): images.yml as a matrix of golden-ami.yml calls', () => {
  const fleet = parse(fs.readFileSync(path.join(ROOT, 'examples/workflows/golden-fleet.yml'), 'utf8')) as {
    jobs: {
      plan: { steps: Array<{ id?: string; run?: string; env?: Record<string, string> }> };
      golden: { with: Record<string, string>; if: string };
    };
  };
  const inputs = (
    wf as unknown as {
      on: { workflow_call: { inputs: Record<string, { type: string; required?: boolean }> } };
    }
  ).on.workflow_call.inputs;

  /** The plan step's own script, run by bash in a checkout of the consumer (the example at its root). */
  function runPlan(schedule: string): Record<string, string> {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-fleet-ws-'));
    fs.cpSync(path.join(ROOT, 'examples'), path.join(ws, 'examples'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'examples/images.yml'), path.join(ws, 'images.yml'));
    fs.symlinkSync(ROOT, path.join(ws, '.ami-bakery'));
    const out = path.join(ws, 'output');
    fs.writeFileSync(out, '');
    const step = fleet.jobs.plan.steps.find((s) => s.id === 'plan')!;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: ws,
      encoding: 'utf8',
      env: {
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        GITHUB_WORKSPACE: ws,
        GITHUB_OUTPUT: out,
        SCHEDULE: String(expand(step.env!.SCHEDULE, { github: { event: { schedule } } })),
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    fs.rmSync(ws, { recursive: true, force: true });
    return Object.fromEntries(
      [...text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]),
    );
  }

  it.each([
    ['a push', '', 3, false],
    ['the daily rebake', '0 5 * * *', 3, false],
    ['the weekly re-scan', '0 6 * * 1', 3, true],
    ['a cron of no family', '0 7 * * *', 0, false],
  ])('%s: every entry calls golden-ami.yml with inputs it declares, of their types', (_, cron, n, rescan) => {
    const outputs = runPlan(cron);
    const needs = { plan: { result: 'success', outputs } };
    expect(expand(`\${{ ${fleet.jobs.golden.if.replace(/^\$\{\{|\}\}$/g, '')} }}`, { needs })).toBe(n > 0);
    if (!n) return;
    const matrix = expand('${{ fromJSON(needs.plan.outputs.matrix) }}', { needs }) as Array<
      Record<string, unknown>
    >;
    expect(matrix).toHaveLength(n);
    const families = new Set<string>();
    for (const entry of matrix) {
      const given: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fleet.jobs.golden.with)) given[k] = expand(v, { matrix: entry });
      for (const [k, v] of Object.entries(given)) {
        expect(Object.keys(inputs)).toContain(k);
        // a workflow_call input of type boolean refuses text, one of type string a boolean
        expect([k, typeof v]).toEqual([k, inputs[k].type === 'boolean' ? 'boolean' : 'string']);
      }
      for (const [k, d] of Object.entries(inputs)) if (d.required) expect([k, given[k]]).not.toEqual([k, '']);
      expect(given.rescan).toBe(rescan);
      families.add(String(given.family));
    }
    expect([...families]).toEqual(['ubuntu-22.04-cis-x86_64', 'ubuntu-22.04-cis-arm64', 'debian-11-anssi']);
  });

  it("a re-scan looks only at this call's images: find-in-use passes its template and build", () => {
    const find = (wf.jobs['find-in-use'].steps as Array<{ id?: string; with?: Record<string, string> }>).find(
      (s) => s.id === 'find',
    )!;
    const tags = (i: Record<string, string>) =>
      String(expand(find.with!['in-use-tags'], { inputs: i }))
        .split('\n')
        .filter((l) => l.trim());
    expect(
      tags({
        'working-directory': 'examples/ubuntu-22.04-cis',
        template: 'u.pkr.hcl',
        only: 'amazon-ebs.ubuntu-arm64',
      }),
    ).toEqual([
      'ami-bakery:template=examples/ubuntu-22.04-cis/u.pkr.hcl',
      'ami-bakery:build=amazon-ebs.ubuntu-arm64',
    ]);
    expect(tags({ 'working-directory': '.', template: 'd.pkr.hcl', only: '' })).toEqual([
      'ami-bakery:template=./d.pkr.hcl',
    ]);
  });
});
