/**
 * The workflow player (test/support/workflow-player.ts) catches what would break a real run: a tool
 * the runner image lacks, an output nothing set, a permission the job lacks. A small workflow of
 * our own, played with the same world as golden-ami.yml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { effects, runnerBin } from './support/play-world.js';
import { expandMatrix, WorkflowPlayer } from './support/workflow-player.js';

/** A fresh workspace and runner temp per job, under dir. */
function jobDirs(dir: string) {
  let n = 0;
  return (job: string) => {
    const d = path.join(dir, `${++n}-${job}`);
    for (const x of ['workspace', 'temp']) fs.mkdirSync(path.join(d, x), { recursive: true });
    return { workspace: path.join(d, 'workspace'), temp: path.join(d, 'temp') };
  };
}

const WORKFLOW = `on:
  workflow_call:
    inputs:
      flag: { type: boolean, default: false }
permissions:
  contents: read
jobs:
  tools:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.say.outputs.word }}
    steps:
      - id: say
        run: echo "word=hello" >> "$GITHUB_OUTPUT"
      - run: terraform version
  reads:
    needs: [tools]
    runs-on: ubuntu-latest
    steps:
      - id: a
        run: echo "x=1" >> "$GITHUB_OUTPUT"
      - uses: actions/upload-artifact@v4
        with:
          name: n-\${{ steps.a.outputs.nope }}
          path: nothing
          if-no-files-found: ignore
  creds:
    needs: [tools]
    if: \${{ always() && needs.tools.outputs.said == 'hello' }}
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: 'arn:aws:iam::111111111111:role/x', aws-region: us-east-1 }
`;

describe('the workflow player', () => {
  it('reports a missing tool, an output nothing set and a missing permission; evaluates always() and needs', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'w.yml');
    fs.writeFileSync(file, WORKFLOW);
    const world = {
      repo: 'o/r',
      consumer: dir,
      self: { dir, repository: 'o/a', ref: 'main' },
      roles: [],
      sandbox: new Ec2Sandbox(),
      github: {},
      assumed: new Map(),
      artifacts: new Map(),
      sarif: [],
    };
    const player = new WorkflowPlayer({
      file,
      inputs: {},
      github: { event_name: 'push', ref: 'refs/heads/main', run_id: '1' },
      newJobDirs: jobDirs(dir),
      runnerPath: runnerBin(path.join(dir, 'bin'), '127.0.0.1'),
      env: {},
      effects: effects(world),
      oidc: () => ({ url: 'http://127.0.0.1:9/token', token: 't' }),
    });
    const jobs = await player.play();
    expect(jobs.get('tools')!.result).toBe('failure');
    expect(jobs.get('tools')!.outputs).toEqual({ said: 'hello' });
    // a failed need skips a job with the default if, not one with always()
    expect(jobs.get('reads')!.result).toBe('skipped');
    expect(jobs.get('creds')!.result).toBe('failure');
    expect(jobs.get('creds')!.steps[0].log).toMatch(/lacks permissions: id-token: write/);
    expect(player.problems).toEqual([
      "tools: needs terraform, which the job's runner does not have and no step installed",
    ]);
    // the same play with the failing step gone reaches the unset output
    fs.writeFileSync(file, WORKFLOW.replace('      - run: terraform version\n', ''));
    const again = new WorkflowPlayer({ ...player.o, file });
    await again.play();
    expect(again.problems).toEqual([
      'reads: actions/upload-artifact@v4 reads steps.a.outputs.nope, which step a never set',
    ]);
  });

  it('expands a matrix as GitHub documents it: product, exclude, then include added or standing alone', () => {
    // the shape of GitHub's worked example ("Expanding or adding matrix configurations", in
    // github/docs data/reusables/actions/jobs/matrix-include.md), in values of our own: six jobs
    expect(
      expandMatrix({
        os: ['linux', 'mac'],
        arch: ['x64', 'arm'],
        include: [
          { runner: 'small' },
          { runner: 'large', arch: 'x64' },
          { os: 'linux', disk: 'ssd' },
          { os: 'bsd' },
          { os: 'bsd', arch: 'x64' },
        ],
      }),
    ).toEqual([
      { os: 'linux', arch: 'x64', runner: 'large', disk: 'ssd' },
      { os: 'linux', arch: 'arm', runner: 'small', disk: 'ssd' },
      { os: 'mac', arch: 'x64', runner: 'large' },
      { os: 'mac', arch: 'arm', runner: 'small' },
      { os: 'bsd' },
      { os: 'bsd', arch: 'x64' },
    ]);
    expect(expandMatrix({ os: ['a', 'b'], arch: ['x', 'y'], exclude: [{ os: 'b', arch: 'x' }] })).toEqual([
      { os: 'a', arch: 'x' },
      { os: 'a', arch: 'y' },
      { os: 'b', arch: 'y' },
    ]);
    // include entries that change an original value are combinations of their own: 5 + 2 jobs
    expect(
      expandMatrix({
        os: ['linux'],
        v: [1, 2, 3, 4, 5],
        include: [
          { os: 'mac', v: 3 },
          { os: 'mac', v: 5 },
        ],
      }),
    ).toHaveLength(7);
    // include alone (a fromJSON list): each entry is a combination
    expect(expandMatrix({ include: [{ f: 1 }, { f: 2 }] })).toEqual([{ f: 1 }, { f: 2 }]);
    expect(() => expandMatrix({ include: 'x' })).toThrow(/include must be a list/);
    expect(() => expandMatrix(null)).toThrow(/must be a mapping/);
  });

  describe('a matrix of reusable workflow calls', () => {
    const CALLEE = `on:
  workflow_call:
    inputs:
      family: { type: string, default: '' }
      fail: { type: boolean, default: false }
    outputs:
      said:
        value: \${{ jobs.work.outputs.said }}
concurrency:
  group: w-\${{ github.ref }}-\${{ inputs.family }}
permissions: { contents: read }
jobs:
  work:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.s.outputs.said }}
    steps:
      - id: s
        env:
          FAMILY: \${{ inputs.family }}
        run: echo "said=hello $FAMILY" >> "$GITHUB_OUTPUT"
      - if: \${{ inputs.fail }}
        run: exit 1
`;
    const caller = (failFast: string, families: Array<{ family: string; fail: boolean }>) => `on: push
permissions: { contents: read }
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: \${{ steps.p.outputs.matrix }}
    steps:
      - id: p
        run: echo 'matrix=${JSON.stringify(families)}' >> "$GITHUB_OUTPUT"
  golden:
    needs: [plan]
    strategy:
${failFast}      matrix:
        include: \${{ fromJSON(needs.plan.outputs.matrix) }}
    uses: o/a/.github/workflows/callee.yml@v1
    with:
      family: \${{ matrix.family }}
      fail: \${{ matrix.fail }}
  after:
    needs: [golden]
    if: \${{ always() }}
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.golden.result }}"
`;
    async function playCaller(text: string) {
      const dir = tmpDir();
      fs.writeFileSync(path.join(dir, 'caller.yml'), text);
      fs.writeFileSync(path.join(dir, 'callee.yml'), CALLEE);
      const player = new WorkflowPlayer({
        file: path.join(dir, 'caller.yml'),
        inputs: {},
        github: { event_name: 'push', ref: 'refs/heads/main', run_id: '7' },
        newJobDirs: jobDirs(dir),
        runnerPath: runnerBin(path.join(dir, 'bin'), '127.0.0.1'),
        env: {},
        effects: {},
        oidc: () => ({ url: 'http://127.0.0.1:9/token', token: 't' }),
        workflows: { 'o/a/.github/workflows/callee.yml': path.join(dir, 'callee.yml') },
      });
      const jobs = await player.play();
      const golden = jobs.get('golden')!;
      return {
        player,
        golden,
        results: golden.instances!.map((i) => [i.id, i.result]),
        after: jobs.get('after')!,
      };
    }
    const three = [
      { family: 'a', fail: false },
      { family: 'b', fail: true },
      { family: 'c', fail: false },
    ];

    it('fail-fast: false: a failing entry cancels none of the others; the job fails; each call has its own group', async () => {
      const p = await playCaller(caller('      fail-fast: false\n', three));
      expect(p.results).toEqual([
        ['golden (a, false)', 'success'],
        ['golden (b, true)', 'failure'],
        ['golden (c, false)', 'success'],
      ]);
      expect(p.golden.result).toBe('failure');
      expect(p.golden.instances!.map((i) => i.group)).toEqual([
        'w-refs/heads/main-a',
        'w-refs/heads/main-b',
        'w-refs/heads/main-c',
      ]);
      // the called workflow's outputs, through on.workflow_call.outputs
      expect(p.golden.instances![2].outputs).toEqual({ said: 'hello c' });
      expect(p.after.steps[0].log).toBe('failure\n');
      expect(p.player.problems).toEqual([]);
    });

    it("fail-fast (GitHub's default): the first failure cancels the entries still to run", async () => {
      const p = await playCaller(caller('', three));
      expect(p.results).toEqual([
        ['golden (a, false)', 'success'],
        ['golden (b, true)', 'failure'],
        ['golden (c, false)', 'cancelled'],
      ]);
      expect(p.golden.instances![2].called).toBeUndefined();
    });

    it('two calls holding one concurrency group, a boolean given as text, an input not declared: problems of the play', async () => {
      const same = await playCaller(
        caller('      fail-fast: false\n', [
          { family: 'a', fail: false },
          { family: 'a', fail: false },
        ]),
      );
      expect(same.player.problems).toEqual([
        'golden (a, false) › callee.yml: concurrency group w-refs/heads/main-a is already held by golden (a, false) in this run: GitHub queues this call behind it, and cancels the waiting ones once a third comes',
      ]);
      const typed = await playCaller(
        caller('      fail-fast: false\n', [{ family: 'a', fail: 'yes' as unknown as boolean }]),
      );
      expect(typed.results).toEqual([['golden (a, yes)', 'failure']]);
      expect(typed.player.problems).toEqual(['golden (a, yes): input fail must be a boolean']);
      const undeclared = await playCaller(
        caller('      fail-fast: false\n', three.slice(0, 1)).replace('      fail:', '      flail:'),
      );
      expect(undeclared.player.problems).toEqual([
        'golden (a, false): the caller passes input flail, which callee.yml does not declare',
      ]);
    });
  });
});
