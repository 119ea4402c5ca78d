/**
 * A GitHub-like REST API on 127.0.0.1, for one repository and one pull request: check runs, the
 * pull request's review comments and reviews, and the repository's issues. It records every request, keeps what was posted, and
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

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  comments: string[];
}

export interface GithubApi {
  url: string;
  /** issues of the repository (opened, commented, edited and closed through the API) */
  issues: Issue[];
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
    issues: [],
    requests: [],
    comments: [],
    checkRuns: [],
    reviewStatus: 200,
    reset() {
      api.requests = [];
      api.issues = [];
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
      if (url.startsWith(`/repos/${repo}/issues`))
        return issues(req.method ?? '', req.url ?? '', body, reply);
      reply(404, { message: 'Not Found' });
    });
  });
  const issues = (method: string, raw: string, body: any, reply: (s: number, d: unknown) => void) => {
    const u = new URL(raw, 'http://x');
    const view = (i: Issue) => ({ ...i, html_url: `http://github.local/${repo}/issues/${i.number}` });
    if (u.pathname === `/repos/${repo}/issues` && method === 'GET') {
      const state = u.searchParams.get('state') ?? 'open';
      const labels = (u.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      return reply(
        200,
        api.issues
          .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)))
          .map(view),
      );
    }
    if (u.pathname === `/repos/${repo}/issues` && method === 'POST') {
      const i: Issue = {
        number: api.issues.length + 1,
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        state: 'open',
        labels: (body.labels ?? []).map(String),
        comments: [],
      };
      api.issues.push(i);
      return reply(201, view(i));
    }
    const m = new RegExp(`^/repos/${repo}/issues/(\\d+)(/comments)?$`).exec(u.pathname);
    const issue = m && api.issues.find((i) => i.number === Number(m[1]));
    if (issue && m?.[2] && method === 'POST') {
      issue.comments.push(String(body.body ?? ''));
      return reply(201, { id: issue.comments.length });
    }
    if (issue && method === 'PATCH') {
      if (typeof body.body === 'string') issue.body = body.body;
      if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
      return reply(200, view(issue));
    }
    reply(404, { message: 'Not Found' });
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
