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
import { WorkflowPlayer } from './support/workflow-player.js';

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
    let n = 0;
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
      newJobDirs: (job) => {
        const d = path.join(dir, `${++n}-${job}`);
        for (const x of ['workspace', 'temp']) fs.mkdirSync(path.join(d, x), { recursive: true });
        return { workspace: path.join(d, 'workspace'), temp: path.join(d, 'temp') };
      },
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
});
