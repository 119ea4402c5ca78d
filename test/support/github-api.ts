/**
 * A GitHub-like REST API on 127.0.0.1, for one repository and one pull request: check runs, the
 * pull request's review comments and reviews. It records every request, keeps what was posted, and
 * can refuse reviews (403, 422) as GitHub does. Used by the suite and by `npm run demo`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiRequest {
  method: string;
  url: string;
  status: number;
  body: any;
}

export interface ReviewComment {
  id: number;
  path: string;
  line: number;
  body: string;
}

export interface GithubApi {
  url: string;
  requests: ApiRequest[];
  /** review comments on the pull request (what GET .../pulls/N/comments lists) */
  comments: ReviewComment[];
  /** check runs created, with their last output (annotations summed over the updates) */
  checkRuns: Array<{ id: number; name: string; conclusion?: string; annotations: number }>;
  /** status answered to POST .../reviews (200: accepted) */
  reviewStatus: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startGithubApi(repo: string, pull: number): Promise<GithubApi> {
  const api: GithubApi = {
    url: '',
    requests: [],
    comments: [],
    checkRuns: [],
    reviewStatus: 200,
    reset() {
      api.requests = [];
      api.comments = [];
      api.checkRuns = [];
      api.reviewStatus = 200;
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const pulls = `/repos/${repo}/pulls/${pull}`;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const url = (req.url ?? '').split('?')[0];
      let body: any = {};
      try {
        body = JSON.parse(raw || '{}');
      } catch {
        body = { raw };
      }
      const reply = (status: number, data: unknown) => {
        api.requests.push({ method: req.method ?? '', url, status, body });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      };
      const run = /\/check-runs(?:\/(\d+))?$/.exec(url);
      if (run) {
        let r = run[1] ? api.checkRuns.find((c) => c.id === Number(run[1])) : undefined;
        if (!r) {
          r = { id: api.checkRuns.length + 1, name: body.name ?? '', annotations: 0 };
          api.checkRuns.push(r);
        }
        r.annotations += body.output?.annotations?.length ?? 0;
        if (body.conclusion) r.conclusion = body.conclusion;
        return reply(run[1] ? 200 : 201, { id: r.id, html_url: `http://github.local/checks/${r.id}` });
      }
      if (url === `${pulls}/comments` && req.method === 'GET') return reply(200, api.comments);
      if (url === `${pulls}/reviews` && req.method === 'POST') {
        if (api.reviewStatus !== 200)
          return reply(api.reviewStatus, {
            message:
              api.reviewStatus === 403
                ? 'Resource not accessible by integration'
                : 'Pull request review thread line must be part of the diff',
          });
        for (const c of body.comments ?? []) api.comments.push({ id: api.comments.length + 1, ...c });
        return reply(200, { id: 99, html_url: `http://github.local/pull/${pull}#review-99` });
      }
      if (url === `${pulls}/comments` && req.method === 'POST') {
        api.comments.push({ id: api.comments.length + 1, path: body.path, line: body.line, body: body.body });
        return reply(201, { id: api.comments.length });
      }
      reply(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
