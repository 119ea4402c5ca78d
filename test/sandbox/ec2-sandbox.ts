/**
 * A small EC2-compatible HTTP server for tests and the demo: the real AWS SDK v3 talks to it through
 * the standard endpoint variables (AWS_ENDPOINT_URL_EC2=http://127.0.0.1:PORT). EC2 query protocol
 * in, XML out (built with fast-xml-parser). The region comes from the request's SigV4 signing scope,
 * the account from the access key. Signatures are not verified (only their presence and scope).
 *
 * It is test support, not product: every call it does not implement answers `InvalidAction`, it
 * never pretends to succeed. Implemented: DescribeImages, CreateTags, DescribeTags, DescribeInstanceStatus.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLBuilder } from 'fast-xml-parser';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export interface SandboxImage {
  imageId: string;
  name: string;
  state: 'pending' | 'available' | 'failed' | 'deregistered';
  ownerId: string;
  region: string;
  creationDate: string;
  description?: string;
  tags: Map<string, string>;
}

export interface SandboxInstance {
  instanceId: string;
  ownerId: string;
  region: string;
  imageId: string;
  state: 'pending' | 'running' | 'stopped' | 'terminated';
  /** When the status checks turn from initializing to ok (ms since epoch). */
  okAt: number;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}

export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Params = Map<string, string>;
interface Ctx {
  accountId: string;
  region: string;
  params: Params;
}
type Handler = (ctx: Ctx) => Record<string, unknown>;

/** `Prefix.1`, `Prefix.2`, … */
function indexed(params: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) out.push(params.get(`${prefix}.${i}`)!);
  return out;
}

function filters(params: Params): Array<{ name: string; values: string[] }> {
  const out = [];
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    out.push({ name: params.get(`Filter.${i}.Name`)!, values: indexed(params, `Filter.${i}.Value`) });
  }
  return out;
}

function matches(value: string | undefined, patterns: string[]): boolean {
  return (
    value !== undefined &&
    patterns.some((p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(value),
    )
  );
}

export class Ec2Sandbox {
  readonly images = new Map<string, SandboxImage>();
  readonly instances = new Map<string, SandboxInstance>();
  /** Every call received, in order: action, account, region. */
  readonly calls: Array<{
    action: string;
    accountId: string;
    region: string;
    params: Record<string, string>;
  }> = [];
  private readonly keys = new Map<string, Credentials>();
  private readonly handlers = new Map<string, Handler>();
  private server?: http.Server;
  endpoint = '';

  constructor() {
    this.handlers.set('DescribeImages', (c) => this.describeImages(c));
    this.handlers.set('CreateTags', (c) => this.createTags(c));
    this.handlers.set('DescribeTags', (c) => this.describeTags(c));
    this.handlers.set('DescribeInstanceStatus', (c) => this.describeInstanceStatus(c));
  }

  /** Credentials that act as `accountId`. */
  addAccount(accountId: string): Credentials {
    const creds = {
      accessKeyId: `AKIA${accountId}${randomBytes(2).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      accountId,
    };
    this.keys.set(creds.accessKeyId, creds);
    return creds;
  }

  putImage(
    accountId: string,
    region: string,
    over: Partial<SandboxImage> & { tags?: Record<string, string> } = {},
  ): SandboxImage {
    const imageId = `ami-${randomBytes(9).toString('hex').slice(0, 17)}`;
    const img: SandboxImage = {
      imageId,
      name: over.name ?? `image-${imageId}`,
      state: over.state ?? 'available',
      ownerId: accountId,
      region,
      creationDate: over.creationDate ?? new Date().toISOString(),
      description: over.description,
      tags: new Map(Object.entries(over.tags ?? {})),
    };
    this.images.set(`${region}/${imageId}`, img);
    return img;
  }

  /** An instance that is running now and passes its status checks after `okAfterMs`. */
  putInstance(
    accountId: string,
    region: string,
    imageId: string,
    okAfterMs = 0,
    state: SandboxInstance['state'] = 'running',
  ): SandboxInstance {
    const inst: SandboxInstance = {
      instanceId: `i-${randomBytes(9).toString('hex').slice(0, 17)}`,
      ownerId: accountId,
      region,
      imageId,
      state,
      okAt: Date.now() + okAfterMs,
    };
    this.instances.set(`${region}/${inst.instanceId}`, inst);
    return inst;
  }

  image(region: string, imageId: string): SandboxImage | undefined {
    return this.images.get(`${region}/${imageId}`);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Environment for a child process (CLI) acting as `creds` in `region` against this sandbox. */
  env(creds: Credentials, region: string): NodeJS.ProcessEnv {
    return {
      AWS_ENDPOINT_URL_EC2: this.endpoint,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const requestId = randomBytes(16).toString('hex');
      try {
        const auth = req.headers.authorization ?? '';
        const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
        if (!m)
          throw new SandboxError('AuthFailure', 'Missing or malformed SigV4 Authorization header.', 401);
        const creds = this.keys.get(m[1]);
        if (!creds)
          throw new SandboxError(
            'AuthFailure',
            'AWS was not able to validate the provided access credentials',
            401,
          );
        const params: Params = new Map(new URLSearchParams(body));
        const action = params.get('Action') ?? '';
        const handler = this.handlers.get(action);
        this.calls.push({
          action,
          accountId: creds.accountId,
          region: m[2],
          params: Object.fromEntries(params),
        });
        if (!handler)
          throw new SandboxError(
            'InvalidAction',
            `The action ${action} is not valid for this web service (sandbox).`,
          );
        const payload = handler({ accountId: creds.accountId, region: m[2], params });
        this.send(res, 200, { [`${action}Response`]: { '@_xmlns': NS, requestId, ...payload } });
      } catch (e) {
        const err =
          e instanceof SandboxError ? e : new SandboxError('InternalError', (e as Error).message, 500);
        this.send(res, err.status, {
          Response: { Errors: { Error: { Code: err.code, Message: err.message } }, RequestID: requestId },
        });
      }
    });
  }

  private send(res: http.ServerResponse, status: number, doc: Record<string, unknown>): void {
    const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false }).build(doc);
    res.statusCode = status;
    res.setHeader('content-type', 'text/xml;charset=UTF-8');
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  }

  private visibleImages(c: Ctx): SandboxImage[] {
    return [...this.images.values()].filter(
      (i) => i.region === c.region && i.ownerId === c.accountId && i.state !== 'deregistered',
    );
  }

  private imageXml(i: SandboxImage) {
    return {
      imageId: i.imageId,
      imageState: i.state,
      imageOwnerId: i.ownerId,
      name: i.name,
      creationDate: i.creationDate,
      ...(i.description ? { description: i.description } : {}),
      isPublic: false,
      architecture: 'x86_64',
      imageType: 'machine',
      rootDeviceType: 'ebs',
      tagSet: { item: [...i.tags].map(([key, value]) => ({ key, value })) },
    };
  }

  private describeImages(c: Ctx) {
    const ids = indexed(c.params, 'ImageId');
    let list = this.visibleImages(c);
    if (ids.length) {
      const missing = ids.filter((id) => !list.some((i) => i.imageId === id));
      if (missing.length) {
        if (missing.some((id) => !/^ami-[0-9a-f]{8,17}$/.test(id))) {
          throw new SandboxError(
            'InvalidAMIID.Malformed',
            `Invalid id: "${missing[0]}" (expecting "ami-...")`,
          );
        }
        throw new SandboxError(
          'InvalidAMIID.NotFound',
          `The image id '[${missing.join(', ')}]' does not exist`,
        );
      }
      list = list.filter((i) => ids.includes(i.imageId));
    }
    for (const f of filters(c.params)) {
      list = list.filter((i) => {
        if (f.name === 'name') return matches(i.name, f.values);
        if (f.name === 'state') return matches(i.state, f.values);
        if (f.name === 'image-id') return matches(i.imageId, f.values);
        if (f.name.startsWith('tag:')) return matches(i.tags.get(f.name.slice(4)), f.values);
        if (f.name === 'tag-key') return [...i.tags.keys()].some((k) => matches(k, f.values));
        throw new SandboxError(
          'InvalidParameterValue',
          `The filter '${f.name}' is not supported by the sandbox`,
        );
      });
    }
    return { imagesSet: { item: list.map((i) => this.imageXml(i)) } };
  }

  private createTags(c: Ctx) {
    const ids = indexed(c.params, 'ResourceId');
    const tags: Array<[string, string]> = [];
    for (let i = 1; c.params.has(`Tag.${i}.Key`); i++)
      tags.push([c.params.get(`Tag.${i}.Key`)!, c.params.get(`Tag.${i}.Value`) ?? '']);
    const targets = ids.map((id) => {
      const img = this.visibleImages(c).find((i) => i.imageId === id);
      if (!img) throw new SandboxError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
      return img;
    });
    for (const img of targets) for (const [k, v] of tags) img.tags.set(k, v);
    return { return: true };
  }

  private describeInstanceStatus(c: Ctx) {
    const ids = indexed(c.params, 'InstanceId');
    const all = c.params.get('IncludeAllInstances') === 'true';
    const mine = [...this.instances.values()].filter(
      (i) => i.region === c.region && i.ownerId === c.accountId,
    );
    for (const id of ids) {
      if (!mine.some((i) => i.instanceId === id))
        throw new SandboxError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
    const codes = { pending: 0, running: 16, stopped: 80, terminated: 48 };
    const items = mine
      .filter((i) => !ids.length || ids.includes(i.instanceId))
      .filter((i) => all || i.state === 'running')
      .map((i) => {
        const status =
          i.state !== 'running' ? 'not-applicable' : Date.now() >= i.okAt ? 'ok' : 'initializing';
        return {
          instanceId: i.instanceId,
          availabilityZone: `${i.region}a`,
          instanceState: { code: codes[i.state], name: i.state },
          systemStatus: {
            status,
            details: { item: [{ name: 'reachability', status: status === 'ok' ? 'passed' : status }] },
          },
          instanceStatus: {
            status,
            details: { item: [{ name: 'reachability', status: status === 'ok' ? 'passed' : status }] },
          },
        };
      });
    return { instanceStatusSet: { item: items } };
  }

  private describeTags(c: Ctx) {
    const items = this.visibleImages(c).flatMap((i) =>
      [...i.tags].map(([key, value]) => ({ resourceId: i.imageId, resourceType: 'image', key, value })),
    );
    return { tagSet: { item: items } };
  }
}
