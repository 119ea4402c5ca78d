/**
 * The committed bundle (action-scan/dist/index.js) run the way the Actions runner runs it: inputs
 * as INPUT_* variables, outputs/summary through the GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files, the
 * check run through GITHUB_API_URL (a local stand-in for the GitHub API).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, outputValue, runActionBundle } from './helpers.js';

const runAction = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runActionBundle('action-scan', inputs, env);

let api: http.Server;
let apiUrl: string;
let forbidden = false;
const checkRequests: any[] = [];

beforeAll(async () => {
  api = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (forbidden) {
        res.statusCode = 403;
        res.end('{"message":"Resource not accessible by integration"}');
        return;
      }
      checkRequests.push({ method: req.method, url: req.url, body: JSON.parse(body || '{}') });
      res.statusCode = req.method === 'POST' ? 201 : 200;
      res.end('{"id":7,"html_url":"http://github.local/checks/7"}');
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(() => api.close());

const inputs = {
  target: 'results',
  results: ARF_FIXTURE,
  'hardening-scripts': 'test/fixtures/hardening/**',
  'sarif-file': '',
  'report-file': '',
  'github-token': 'ghs_secret_token_value',
  'check-name': 'ami-bakery scan',
  'min-score': '',
};
const github = () => ({ GITHUB_REPOSITORY: 'acme/images', GITHUB_SHA: 'deadbeef', GITHUB_API_URL: apiUrl });

describe('action-scan dist bundle', () => {
  it('publishes every failing control on one check run, in batches of 50', async () => {
    const r = await runAction(inputs, github());
    expect(r.code, r.stdout).toBe(0);
    expect(outputValue(r.outputs, 'failed')).toBe('71');
    const annotations = checkRequests.flatMap((q) => q.body.output?.annotations ?? []);
    expect(annotations).toHaveLength(71);
    expect(checkRequests.map((q) => q.method)).toEqual(['POST', 'PATCH']);
    expect(annotations).toContainEqual(
      expect.objectContaining({
        path: 'test/fixtures/hardening/scripts/20-ssh.sh',
        start_line: 22,
        title: 'CIS 5.2.6: Set SSH authentication attempt limit',
      }),
    );
    expect(r.stdout).not.toMatch(/^::error/m);
    // the token is registered for masking, and appears nowhere else
    expect(r.stdout).toContain('::add-mask::ghs_secret_token_value');
    expect(r.stdout.split('\n').filter((l) => l.includes('ghs_secret_token_value'))).toHaveLength(1);
    expect(r.summary).toContain('All 71 annotation(s) were published on the check run');
  });

  it('falls back to 10 workflow annotations and says how many were not shown (read-only token)', async () => {
    forbidden = true;
    try {
      const r = await runAction(inputs, github());
      expect(r.code, r.stdout).toBe(0);
      const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error '));
      expect(errors).toHaveLength(10);
      expect(r.stdout).toMatch(
        /::warning::Could not publish the check run: the token cannot create check runs \(HTTP 403/,
      );
      expect(r.stdout).toMatch(/61 of 71 failing control\(s\) were not shown as annotations/);
      expect(r.summary).toMatch(/10 shown as workflow annotations, 61 not shown/);
      expect(r.summary).toContain('### Failed controls (71)');
    } finally {
      forbidden = false;
    }
  });

  it('fails the step on a gate, and on bad input names the input', async () => {
    const gate = await runAction({ ...inputs, 'github-token': '', 'min-score': '99' });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/::error::Scan gate failed: score 59\.9%25 is below min-score 99%25/);
    const bad = await runAction({ ...inputs, 'github-token': '', results: 'nope/*.xml' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::Input "results": no files match "nope\/\*\.xml"/);
  });
});
