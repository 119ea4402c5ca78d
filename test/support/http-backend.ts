/**
 * Terraform's `http` state backend on 127.0.0.1: GET/POST/DELETE the state, LOCK/UNLOCK it. A lock
 * stays until UNLOCK (as in S3/DynamoDB), so a Terraform killed outright leaves it behind.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpBackend {
  url: string;
  /** -backend-config lines for the module */
  config: string[];
  state(): { resources?: unknown[] } | undefined;
  lock(): { ID: string; Who?: string } | undefined;
  close(): Promise<void>;
}

export async function startHttpBackend(): Promise<HttpBackend> {
  let state: string | undefined;
  let lock: { ID: string; Who?: string } | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/lock' && req.method === 'LOCK') {
        if (lock) {
          res.writeHead(423, { 'content-type': 'application/json' });
          res.end(JSON.stringify(lock));
          return;
        }
        lock = JSON.parse(body || '{}');
        res.writeHead(200).end();
        return;
      }
      if (path === '/lock' && req.method === 'UNLOCK') {
        lock = undefined;
        res.writeHead(200).end();
        return;
      }
      if (path === '/state' && req.method === 'GET') {
        if (state === undefined) res.writeHead(404).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(state);
        return;
      }
      if (path === '/state' && req.method === 'POST') {
        state = body;
        res.writeHead(200).end();
        return;
      }
      if (path === '/state' && req.method === 'DELETE') {
        state = undefined;
        res.writeHead(200).end();
        return;
      }
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    config: [`address=${url}/state`, `lock_address=${url}/lock`, `unlock_address=${url}/lock`],
    state: () => (state ? JSON.parse(state) : undefined),
    lock: () => lock,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
