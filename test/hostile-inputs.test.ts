/**
 * The hostile-input suite (issue 22): every input of every action (read from its action.yml) gets
 * each hostile value below, with the others at a working baseline. The stage runs in this process,
 * as the CLI runs it, with AWS pointed at the EC2/STS/SSM sandbox, GitHub at a local recording API,
 * and packer, terraform, oscap, lynis and inspec on PATH replaced by tripwires that log their call
 * and exit 1: a run that gets that far has accepted its inputs. Each case asserts:
 *   - no crash: a refusal is an input error (exit 2), anything else ends as a gate, a run error or
 *     a success, never a TypeError or RangeError;
 *   - a refusal names the input it refuses;
 *   - nothing happened before a refusal: no tool started, no mutating AWS call, no GitHub call, no
 *     file written in the workspace or through the planted link, and no injected shell ran;
 *   - no log line is a workflow command, and no message echoes a huge value.
 * A new input is part of this suite by being in action.yml.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Stage } from '../shared/src/action.js';
import { CliIo } from '../shared/src/io.js';
import { ROOT, tmpDir } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { MUTATING } from './support/promote-world.js';

const OUTSIDE = tmpDir('ami-bakery-hostile-outside-');
const PWNED = path.join(OUTSIDE, 'pwned');
/**
 * Where the traversal value leads: a file outside the repository and outside every temporary folder
 * (outputs may go to RUNNER_TEMP or the system's temp folder). The suite once overwrote /etc/passwd
 * through "../../../../etc/passwd" as an output path; its victim is now a file of its own.
 */
const VICTIM_DIR = '/var/tmp/ami-bakery-hostile-victim';
const VICTIM = path.join(VICTIM_DIR, 'victim');

/** The hostile classes; each value is given to one input at a time. */
const HOSTILE: Record<string, string> = {
  blank: '',
  whitespace: '  \t  ',
  unicode: 'Ünïcødé-☃-名前',
  huge: 'x'.repeat(100_000),
  'wrong type': '{"a": [1, 2]}',
  hex: '0x1F',
  float: '1e3',
  traversal: `../../../../../../..${VICTIM}`,
  symlink: 'link-out/x',
  injection: `$(touch ${PWNED})\`touch ${PWNED}\`;touch ${PWNED}\n::error file=x,line=1::forged\r\n%0A`,
};

type Outcome = 'refused' | 'accepted' | 'crash';

/**
 * Where an input's outcome is known, it is asserted, not only tallied: blank and whitespace mean the
 * default (a gate input never turns the gate off by being empty), anything else not of its kind is refused.
 */
const ONLY_BLANK_ACCEPTED: Partial<Record<string, Outcome>> = {
  blank: 'accepted',
  whitespace: 'accepted',
  unicode: 'refused',
  huge: 'refused',
  'wrong type': 'refused',
  hex: 'refused',
  float: 'refused',
  traversal: 'refused',
  symlink: 'refused',
  injection: 'refused',
};
const EXPECTED: Record<string, Partial<Record<string, Outcome>>> = {
  'scan fail-on-severity': ONLY_BLANK_ACCEPTED,
  'scan fail-on-fixable-only': ONLY_BLANK_ACCEPTED,
  'scan vulnerabilities': ONLY_BLANK_ACCEPTED,
};

const STAGES = ['bake', 'verify', 'scan', 'promote'] as const;
type StageName = (typeof STAGES)[number];

let sandbox: Ec2Sandbox;
let api: http.Server;
let apiCalls = 0;
let tripwires: string;
let workspace: string;
let sourceAmi: string;
const originalEnv = { ...process.env };
const originalCwd = process.cwd();

function writeWorkspace(root: string): void {
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  w(
    'packer/t.pkr.hcl',
    'source "null" "t" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.t"]\n}\n',
  );
  w(
    'tf/main.tf',
    'variable "ami_id" { type = string }\nresource "terraform_data" "t" { input = var.ami_id }\n',
  );
  w('scripts/harden.sh', '#!/bin/sh\n# CIS 5.2.6\necho MaxAuthTries 4\n');
  w(
    'results/inspec.json',
    JSON.stringify({
      platform: { name: 'ubuntu' },
      profiles: [
        {
          name: 'p',
          version: '1',
          controls: [
            { id: 'a', title: 'a', impact: 0.5, tags: {}, results: [{ status: 'passed' }] },
            { id: 'b', title: 'b', impact: 0.5, tags: {}, results: [{ status: 'failed' }] },
          ],
        },
      ],
    }),
  );
  fs.symlinkSync(OUTSIDE, path.join(root, 'link-out'));
}

/** Every file under the workspace with its size (links not followed), to see what a run wrote. */
function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(root, p)}:${e.isSymbolicLink() ? 'link' : fs.statSync(p).size}`);
    }
  };
  walk(root);
  return out.sort();
}

function baseline(stage: StageName): Record<string, string> {
  switch (stage) {
    case 'bake':
      return {
        template: 'packer/t.pkr.hcl',
        'hardening-scripts': 'scripts/*.sh',
        'cis-manifest-file': 'out/m.json',
      };
    case 'verify':
      return { 'ami-id': 'ami-0123456789abcdef0', 'terraform-dir': 'tf', 'tag-ami': 'false' };
    case 'scan':
      return {
        target: 'results',
        results: 'results/inspec.json',
        'hardening-scripts': 'scripts/*.sh',
        'report-file': 'out/r.json',
        'sarif-file': 'out/r.sarif',
        'report-html': 'none',
      };
    case 'promote':
      return { 'ami-id': sourceAmi, 'source-region': 'us-east-1', 'dry-run': 'true' };
  }
}

function defaults(stage: StageName): Record<string, string> {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, `action-${stage}`, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: unknown }>;
  };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(doc.inputs)) {
    const d = spec.default === undefined ? '' : String(spec.default);
    out[name] = d.includes('${{') ? '' : d;
  }
  return out;
}

const stages = new Map<StageName, Stage>();

beforeAll(async () => {
  fs.mkdirSync(VICTIM_DIR, { recursive: true });
  fs.writeFileSync(VICTIM, 'untouched');
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  const creds = sandbox.addAccount('111111111111');
  sourceAmi = sandbox.putImage('111111111111', 'us-east-1', {
    name: 'build-1',
    tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed', 'ami-bakery:commit': 'c0ffee1' },
  }).imageId;
  api = http.createServer((_req, res) => {
    apiCalls++;
    res.writeHead(500).end('{}');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  tripwires = tmpDir('ami-bakery-tripwires-');
  // a version query is answered as the real tool answers it (the stages check the tool exists), and
  // packer validate passes (it checks, it changes nothing); anything else is work, logged, and refused
  const versions: Record<string, string> = {
    packer: 'Packer v1.6.6',
    terraform: 'Terraform v1.11.0',
    oscap: 'OpenSCAP command line tool (oscap) 1.3.7',
  };
  for (const tool of ['packer', 'terraform', 'oscap', 'oscap-chroot', 'oscap-ssh', 'lynis', 'inspec']) {
    const f = path.join(tripwires, tool);
    fs.writeFileSync(
      f,
      `#!/bin/sh\ncase "$1" in version|-v|--version|-version) echo "${versions[tool] ?? `${tool} 1.0.0`}"; exit 0;; validate) exit 0;; esac\necho "${tool} $*" >> "${tripwires}/calls.log"\nexit 1\n`,
    );
    fs.chmodSync(f, 0o755);
  }
  workspace = tmpDir('ami-bakery-hostile-ws-');
  writeWorkspace(workspace);
  Object.assign(process.env, sandbox.env(creds, 'us-east-1'), {
    PATH: `${tripwires}:${process.env.PATH}`,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/images',
    GITHUB_SHA: '1111111111111111111111111111111111111111',
    GITHUB_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    RUNNER_TEMP: tmpDir('ami-bakery-hostile-tmp-'),
  });
  for (const s of STAGES)
    stages.set(s, ((await import(`../action-${s}/src/main.ts`)) as { stage: Stage }).stage);
});

afterAll(async () => {
  process.chdir(originalCwd);
  for (const k of Object.keys(process.env)) if (!(k in originalEnv)) delete process.env[k];
  Object.assign(process.env, originalEnv);
  api?.close();
  await sandbox?.stop();
});

// a SyntaxError too: a bad value must be an input error, not a regular expression or JSON it broke
const CRASHES = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);
const tally = new Map<string, Record<Outcome, number>>();

async function runCase(stage: StageName, input: string, value: string) {
  const lines: string[] = [];
  const io = new CliIo({
    inputs: { ...defaults(stage), ...baseline(stage), [input]: value },
    env: process.env,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  const before = {
    files: listing(workspace),
    outside: fs.readdirSync(OUTSIDE).sort(),
    mutations: sandbox.calls.filter((c) => MUTATING.includes(c.action)).length,
    api: apiCalls,
  };
  fs.rmSync(path.join(tripwires, 'calls.log'), { force: true });
  process.chdir(workspace);
  let error: unknown;
  try {
    await stages.get(stage)!.run(io, new AbortController().signal);
  } catch (e) {
    error = e;
  } finally {
    process.chdir(originalCwd);
  }
  const name = (error as Error | undefined)?.name ?? '';
  const refused = (error as { exitCode?: number } | undefined)?.exitCode === 2 && name !== 'EnvironmentError';
  const outcome: Outcome = CRASHES.has(name) ? 'crash' : refused ? 'refused' : 'accepted';
  const after = {
    files: listing(workspace),
    outside: fs.readdirSync(OUTSIDE).sort(),
    mutations: sandbox.calls.filter((c) => MUTATING.includes(c.action)).length,
    api: apiCalls,
  };
  const toolCalls = fs.existsSync(path.join(tripwires, 'calls.log'))
    ? fs.readFileSync(path.join(tripwires, 'calls.log'), 'utf8')
    : '';
  // leave the workspace as it was for the next case
  for (const f of after.files) {
    const rel = f.replace(/:\w+$/, '');
    if (!before.files.includes(f) && !rel.startsWith('link-out'))
      fs.rmSync(path.join(workspace, rel), { force: true });
  }
  fs.rmSync(path.join(workspace, 'out'), { recursive: true, force: true });
  return { outcome, error, lines, before, after, toolCalls };
}

for (const stage of STAGES) {
  describe(`hostile inputs: action-${stage}`, () => {
    const doc = parseYaml(fs.readFileSync(path.join(ROOT, `action-${stage}`, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    for (const input of Object.keys(doc.inputs)) {
      it.each(Object.entries(HOSTILE))(`${input}: %s`, async (cls, value) => {
        const r = await runCase(stage, input, value);
        const t = tally.get(cls) ?? { refused: 0, accepted: 0, crash: 0 };
        t[r.outcome]++;
        tally.set(cls, t);
        const message = r.error instanceof Error ? r.error.message : '';
        expect(
          r.outcome,
          `${stage} ${input}=${cls}: ${message}\n${(r.error as Error)?.stack ?? ''}`,
        ).not.toBe('crash');
        const want = EXPECTED[`${stage} ${input}`]?.[cls];
        if (want) expect(r.outcome, `${stage} ${input}=${cls}: ${message}`).toBe(want);
        if (r.outcome === 'refused') {
          expect(message, `${stage} ${input}=${cls}`).toContain(`Input "${input}"`);
          expect(r.toolCalls, `${stage} ${input}=${cls}: a tool ran before the refusal`).toBe('');
          expect(r.after.mutations).toBe(r.before.mutations);
          expect(r.after.api).toBe(r.before.api);
          expect(r.after.files).toEqual(r.before.files);
        }
        // whatever the outcome: nothing through the link or the traversal, no injected shell, no
        // forged command, no echo of a huge value
        expect(r.after.outside).toEqual(r.before.outside);
        expect(fs.readdirSync(VICTIM_DIR), `${stage} ${input}=${cls} wrote outside`).toEqual(['victim']);
        expect(fs.readFileSync(VICTIM, 'utf8'), `${stage} ${input}=${cls} wrote outside`).toBe('untouched');
        expect(fs.existsSync(PWNED), `${stage} ${input}=${cls} ran an injected command`).toBe(false);
        expect(
          r.lines.filter((l) => /^\s*::/.test(l)),
          `${stage} ${input}=${cls}`,
        ).toEqual([]);
        expect(
          message.length,
          `${stage} ${input}=${cls}: the message echoes the value: ${message.slice(0, 300)}`,
        ).toBeLessThan(5_000);
      });
    }
  });
}

describe('hostile inputs: the tally', () => {
  it('every class was tried on every input, and nothing crashed', () => {
    const inputs = STAGES.reduce((n, s) => {
      const doc = parseYaml(fs.readFileSync(path.join(ROOT, `action-${s}`, 'action.yml'), 'utf8')) as {
        inputs: Record<string, unknown>;
      };
      return n + Object.keys(doc.inputs).length;
    }, 0);
    for (const [cls, t] of tally) {
      expect(t.refused + t.accepted + t.crash, cls).toBe(inputs);
      expect(t.crash, cls).toBe(0);
    }
    expect(tally.size).toBe(Object.keys(HOSTILE).length);
    // the figures, for the record (the closing note quotes them)
    process.stdout.write(
      `hostile inputs: ${inputs} inputs × ${tally.size} classes\n${[...tally]
        .map(
          ([cls, t]) =>
            `  ${cls.padEnd(10)} refused ${t.refused}, accepted ${t.accepted}, crashed ${t.crash}`,
        )
        .join('\n')}\n`,
    );
  });
});
