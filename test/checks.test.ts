import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedAnnotation } from '../action-scan/src/report/annotations.js';
import { deliverAnnotations } from '../action-scan/src/report/checks.js';
import { CliIo, type Io } from '../shared/src/io.js';

/** A stand-in for the GitHub REST API on 127.0.0.1 that the real Octokit talks to. */
interface Recorded {
  method: string;
  url: string;
  body: any;
}
let server: http.Server;
let baseUrl: string;
let recorded: Recorded[] = [];
let mode: 'ok' | 'forbidden' = 'ok';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      recorded.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: data ? JSON.parse(data) : undefined,
      });
      res.setHeader('content-type', 'application/json');
      if (mode === 'forbidden') {
        res.statusCode = 403;
        res.end(JSON.stringify({ message: 'Resource not accessible by integration' }));
        return;
      }
      res.statusCode = req.method === 'POST' ? 201 : 200;
      res.end(JSON.stringify({ id: 4242, html_url: 'http://github.local/o/r/runs/4242' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const plan = (n: number): PlannedAnnotation[] =>
  Array.from({ length: n }, (_, i) => ({
    level: 'error',
    file: `scripts/s${Math.floor(i / 100)}.sh`,
    line: (i % 100) + 1,
    title: `CIS 9.${i}: rule ${i}`,
    message: `Expected: a\nFound: b`,
    cisId: `9.${i}`,
    ruleId: `r${i}`,
    engine: 'openscap',
    severity: 'medium',
    status: 'fail',
    implemented: true,
  }));

function actionLikeIo(): CliIo & Io {
  const io = new CliIo({ inputs: {}, out: () => {}, err: () => {} });
  // behave like the Actions runner: only 10 annotations of a level are shown per step
  Object.defineProperty(io, 'annotationCap', { value: 10 });
  return io;
}

const target = () => ({
  token: 't0ken',
  owner: 'o',
  repo: 'r',
  sha: 'abc123',
  name: 'ami-bakery scan',
  baseUrl,
});
const output = { title: 't', summary: 's', conclusion: 'failure' as const };

describe('Checks API delivery', () => {
  it('sends all 120 annotations in batches of 50 on one check run', async () => {
    recorded = [];
    mode = 'ok';
    const io = actionLikeIo();
    const r = await deliverAnnotations(io, target(), plan(120), output, async () => new Map());
    expect(r).toMatchObject({ method: 'checks', shown: 120, notShown: 0 });
    expect(recorded.map((q) => `${q.method} ${q.url}`)).toEqual([
      'POST /repos/o/r/check-runs',
      'PATCH /repos/o/r/check-runs/4242',
      'PATCH /repos/o/r/check-runs/4242',
    ]);
    const sent = recorded.flatMap((q) => q.body.output.annotations);
    expect(sent).toHaveLength(120);
    expect(new Set(sent.map((a: { title: string }) => a.title)).size).toBe(120);
    expect(sent[0]).toMatchObject({ path: 'scripts/s0.sh', start_line: 1, annotation_level: 'failure' });
    expect(recorded[0].body.head_sha).toBe('abc123');
    expect(recorded[0].body.status).toBe('in_progress');
    expect(recorded[2].body).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(io.annotations).toHaveLength(0);
  });

  it('falls back gracefully on a read-only token (fork PR): changed lines first, the rest counted', async () => {
    recorded = [];
    mode = 'forbidden';
    const warnings: string[] = [];
    const io = actionLikeIo();
    const origWarning = io.warning.bind(io);
    io.warning = (m: string) => {
      warnings.push(m);
      origWarning(m);
    };
    const changed = new Map([['scripts/s0.sh', new Set([20, 21])]]);
    const r = await deliverAnnotations(io, target(), plan(25), output, async () => changed);
    expect(r).toMatchObject({ method: 'workflow-commands', shown: 10, notShown: 15 });
    const findings = io.annotations.filter((a) => a.level === 'error');
    expect(findings).toHaveLength(10);
    expect(findings.slice(0, 2).map((a) => a.line)).toEqual([20, 21]);
    // the step's own message is a notice: it takes no finding's slot and cannot be the one dropped
    const notices = io.annotations.filter((a) => a.level === 'notice');
    expect(notices).toHaveLength(1);
    expect(`${notices[0].title} ${notices[0].message}`).toMatch(/15 of 25 findings are not shown/);
    expect(notices[0].message).toMatch(/HTTP 403/);
    expect(warnings).toEqual([]);
  });

  it('uses workflow commands when there is no token at all', async () => {
    recorded = [];
    const io = actionLikeIo();
    const r = await deliverAnnotations(io, undefined, plan(3), output, async () => new Map());
    expect(r).toMatchObject({ method: 'workflow-commands', shown: 3, notShown: 0 });
    expect(recorded).toHaveLength(0);
  });
});
