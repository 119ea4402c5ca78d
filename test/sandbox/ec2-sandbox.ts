/**
 * A small EC2/STS/SSM-compatible HTTP server for tests, benchmarks and the demo: the real AWS SDK v3
 * talks to it through the standard endpoint variables (AWS_ENDPOINT_URL_EC2/_STS/_SSM, or
 * AWS_ENDPOINT_URL, = http://127.0.0.1:PORT). The service and region come from the request's SigV4
 * signing scope, the account from the access key; signatures are not verified (only their presence
 * and scope). EC2 and STS speak the query protocol with XML answers (built with fast-xml-parser),
 * SSM JSON 1.1.
 *
 * It is test support, not product: every call it does not implement answers `InvalidAction`, it
 * never pretends to succeed. Images copied with CopyImage stay `pending` for `copyLatencyMs`, with
 * their snapshot's Progress growing. Faults: `throttleRate` (EC2 calls answer RequestLimitExceeded),
 * `snapshotCopyLimit` (EBS's quota of concurrent snapshot copies per destination account and region,
20 by default as in EC2: a pending AMI copy holds one per snapshot, and a copy that would pass it
answers ResourceLimitExceeded),
 * `failNext` (the next N calls of an action fail with a given error). What an image build asks of
 * EC2 (key pairs, security groups, RunInstances, CreateImage, …) is in build-api.ts: real Packer's
 * amazon-ebs builder runs against it.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLBuilder } from 'fast-xml-parser';
import { BuildApi, type BuildInstance } from './build-api.js';
import { InspectorSandbox } from './inspector-sandbox.js';
import {
  type Credentials,
  type Ctx,
  filters,
  type Handler,
  id,
  indexed,
  matches,
  type Params,
  SandboxError,
  tagsAt,
  tagXml,
} from './query.js';

export { type Credentials, SandboxError };

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ASG_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

export interface SandboxAutoScalingGroup {
  name: string;
  ownerId: string;
  region: string;
  launchTemplateId: string;
  /** $Default, $Latest or a version number */
  version: string;
  refreshes: Array<{ id: string; minHealthy?: number; desiredVersion?: string }>;
}

export interface SandboxImage {
  /** CreateImage: the instance it was made from */
  sourceInstanceId?: string;
  imageId: string;
  name: string;
  state: 'pending' | 'available' | 'failed' | 'deregistered';
  ownerId: string;
  region: string;
  creationDate: string;
  description?: string;
  tags: Map<string, string>;
  snapshotIds: string[];
  encrypted: boolean;
  kmsKeyId?: string;
  launchPermissions: Set<string>;
  deprecationTime?: string;
  /** 'disabled', 'enabled', 'enabled-with-cooldown', or 'disabled-until <ISO time>' */
  deregistrationProtection?: string;
  /** copies: pending until then (ms since epoch) */
  availableAt: number;
  /** copies: end `failed` instead of `available` */
  willFail?: boolean;
  startedAt: number;
  sourceImageId?: string;
  /** EC2's Architecture: x86_64 unless put otherwise; copies keep their source's */
  architecture?: string;
}

export interface SandboxSnapshot {
  snapshotId: string;
  ownerId: string;
  region: string;
  encrypted: boolean;
  kmsKeyId?: string;
  createVolumePermissions: Set<string>;
  tags: Map<string, string>;
  deleted: boolean;
}

export type SandboxInstance = BuildInstance;

export interface SandboxLaunchTemplate {
  id: string;
  name: string;
  ownerId: string;
  region: string;
  /** version n is versions[n - 1] */
  versions: Array<{ imageId: string; description?: string; instanceType?: string }>;
  defaultVersion: number;
}

/**
 * The instance types the sandbox knows, with the architectures EC2 lists for them
 * (DescribeInstanceTypes ProcessorInfo.SupportedArchitectures).
 */
export const INSTANCE_TYPE_ARCHITECTURES: Record<string, string[]> = {
  't3.micro': ['x86_64'],
  'm5.large': ['x86_64'],
  't2.micro': ['i386', 'x86_64'],
  't4g.micro': ['arm64'],
  'm7g.large': ['arm64'],
};

export interface SandboxOptions {
  /** How long a CopyImage stays pending. */
  copyLatencyMs?: number;
  /** Probability (0–1) that an EC2 call answers RequestLimitExceeded. */
  throttleRate?: number;
  /**
   * Concurrent snapshot copies per account and region (EBS quota "Concurrent snapshot copies per
   * destination Region", 20 by default): every pending AMI copy holds one per snapshot; a CopyImage
   * that would pass it answers ResourceLimitExceeded.
   */
  snapshotCopyLimit?: number;
  /** Seed of the fault-injection random numbers (runs repeat). */
  seed?: number;
  /** The first N CopyImage calls make copies that end `failed` (as AWS does on, e.g., a KMS problem). */
  failCopies?: number;
}

/** `n` new snapshots of an image (not registered yet), private to their owner. */
function newSnapshots(
  n: number,
  ownerId: string,
  region: string,
  encrypted: boolean,
  kmsKeyId: string | undefined,
): SandboxSnapshot[] {
  return Array.from({ length: n }, () => ({
    snapshotId: id('snap'),
    ownerId,
    region,
    encrypted,
    kmsKeyId,
    createVolumePermissions: new Set<string>(),
    tags: new Map<string, string>(),
    deleted: false,
  }));
}

export class Ec2Sandbox {
  readonly images = new Map<string, SandboxImage>();
  readonly snapshots = new Map<string, SandboxSnapshot>();
  readonly instances = new Map<string, SandboxInstance>();
  readonly launchTemplates = new Map<string, SandboxLaunchTemplate>();
  readonly autoScalingGroups = new Map<string, SandboxAutoScalingGroup>();
  /** account/region → AMI Block Public Access state ('unblocked' when absent) */
  readonly imageBlockPublicAccess = new Map<string, 'unblocked' | 'block-new-sharing'>();
  readonly parameters = new Map<string, { value: string; dataType: string; version: number }>();
  /** Every call received, in order: service action, account, region. */
  readonly calls: Array<{
    action: string;
    service: string;
    accountId: string;
    region: string;
    params: Record<string, string>;
    at: number;
  }> = [];
  /** Highest number of copies pending at once, per account/region and per region (all accounts). */
  readonly maxConcurrentCopies = new Map<string, number>();
  /** Highest number of snapshot copies pending at once, per account/region: the EBS quota's count. */
  readonly maxSnapshotCopies = new Map<string, number>();
  readonly maxConcurrentCopiesPerRegion = new Map<string, number>();
  readonly opts: Required<SandboxOptions>;
  /** key pairs, security groups, RunInstances, CreateImage: what an image build asks of EC2 */
  readonly build = new BuildApi({
    instances: this.instances,
    visibleImageIds: (c) => this.visibleImages(c).map((i) => i.imageId),
    createImage: (c, o) => {
      if (this.imagesOf(c.accountId, c.region).some((i) => i.name === o.name))
        throw new SandboxError('InvalidAMIName.Duplicate', `AMI name ${o.name} is already in use by an AMI`);
      // an image keeps the architecture of the one its instance was launched from
      const launchedFrom = this.instances.get(`${c.region}/${o.sourceInstanceId}`)?.imageId;
      const img = this.putImage(c.accountId, c.region, {
        name: o.name,
        description: o.description,
        tags: o.tags,
        state: 'pending',
        availableAt: o.availableAt,
        architecture: (launchedFrom && this.image(c.region, launchedFrom)?.architecture) || 'x86_64',
      });
      img.sourceInstanceId = o.sourceInstanceId;
      return { imageId: img.imageId };
    },
  });
  /** EC2 calls answered RequestLimitExceeded by fault injection. */
  throttled = 0;
  private readonly keys = new Map<string, Credentials>();
  private readonly roles = new Set<string>();
  private readonly clientTokens = new Map<string, string>();
  private readonly failures = new Map<string, { code: string; times: number }>();
  /** Inspector2 and Inspector Scan (inspector-sandbox.ts) */
  readonly inspector = new InspectorSandbox();
  private readonly ec2 = new Map<string, Handler>();
  private rng: () => number;
  private copiesMade = 0;
  private server?: http.Server;
  endpoint = '';

  constructor(opts: SandboxOptions = {}) {
    this.opts = {
      copyLatencyMs: 0,
      throttleRate: 0,
      snapshotCopyLimit: 20,
      seed: 1,
      failCopies: 0,
      ...opts,
    };
    let x = this.opts.seed >>> 0 || 1;
    this.rng = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return ((x >>> 0) % 1_000_000) / 1_000_000;
    };
    const h: Record<string, Handler> = {
      DescribeImages: (c) => this.describeImages(c),
      CreateTags: (c) => this.createTags(c),
      DescribeTags: (c) => this.describeTags(c),
      DescribeInstanceStatus: (c) => this.describeInstanceStatus(c),
      GetConsoleOutput: (c) => this.getConsoleOutput(c),
      CopyImage: (c) => this.copyImage(c),
      DescribeSnapshots: (c) => this.describeSnapshots(c),
      ModifyImageAttribute: (c) => this.modifyImageAttribute(c),
      DescribeImageAttribute: (c) => this.describeImageAttribute(c),
      ModifySnapshotAttribute: (c) => this.modifySnapshotAttribute(c),
      EnableImageDeprecation: (c) => this.enableImageDeprecation(c),
      DeregisterImage: (c) => this.deregisterImage(c),
      GetImageBlockPublicAccessState: (c) => ({
        imageBlockPublicAccessState:
          this.imageBlockPublicAccess.get(`${c.accountId}/${c.region}`) ?? 'unblocked',
      }),
      EnableImageDeregistrationProtection: (c) => this.enableImageDeregistrationProtection(c),
      DisableImageDeregistrationProtection: (c) => this.disableImageDeregistrationProtection(c),
      DeleteSnapshot: (c) => this.deleteSnapshot(c),
      DescribeInstances: (c) => this.describeInstances(c),
      DescribeLaunchTemplates: (c) => this.describeLaunchTemplates(c),
      DescribeLaunchTemplateVersions: (c) => this.describeLaunchTemplateVersions(c),
      DescribeInstanceTypes: (c) => this.describeInstanceTypes(c),
      CreateLaunchTemplateVersion: (c) => this.createLaunchTemplateVersion(c),
      ModifyLaunchTemplate: (c) => this.modifyLaunchTemplate(c),
    };
    for (const [k, v] of Object.entries({ ...h, ...this.build.handlers() })) this.ec2.set(k, v);
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

  /** A role that AssumeRole may enter (arn:aws:iam::<account>:role/<name>). */
  addRole(accountId: string, name: string): string {
    const arn = `arn:aws:iam::${accountId}:role/${name}`;
    this.roles.add(arn);
    return arn;
  }

  /** Make the next `times` calls of `action` fail with `code`. */
  failNext(action: string, code: string, times = 1): void {
    this.failures.set(action, { code, times });
  }

  putImage(
    accountId: string,
    region: string,
    over: Partial<Omit<SandboxImage, 'tags'>> & { tags?: Record<string, string>; volumes?: number } = {},
  ): SandboxImage {
    const imageId = id('ami');
    const snaps = newSnapshots(over.volumes ?? 1, accountId, region, over.encrypted ?? false, over.kmsKeyId);
    for (const snap of snaps) this.snapshots.set(`${region}/${snap.snapshotId}`, snap);
    const img: SandboxImage = {
      imageId,
      name: over.name ?? `image-${imageId}`,
      state: over.state ?? 'available',
      ownerId: accountId,
      region,
      creationDate: over.creationDate ?? new Date().toISOString(),
      description: over.description,
      tags: new Map(Object.entries(over.tags ?? {})),
      snapshotIds: snaps.map((x) => x.snapshotId),
      encrypted: over.encrypted ?? false,
      kmsKeyId: over.kmsKeyId,
      launchPermissions: new Set(),
      availableAt: over.availableAt ?? 0,
      startedAt: Date.now(),
      architecture: over.architecture ?? 'x86_64',
    };
    this.images.set(`${region}/${imageId}`, img);
    return img;
  }

  image(region: string, imageId: string): SandboxImage | undefined {
    return this.images.get(`${region}/${imageId}`);
  }

  /** Live images (not deregistered) owned by an account in a region. */
  imagesOf(accountId: string, region: string): SandboxImage[] {
    return [...this.images.values()].filter(
      (i) => i.ownerId === accountId && i.region === region && this.stateOf(i) !== 'deregistered',
    );
  }

  /** An instance that is running now and passes its status checks after `okAfterMs`. */
  putInstance(
    accountId: string,
    region: string,
    imageId: string,
    okAfterMs = 0,
    state: SandboxInstance['state'] = 'running',
    okAfterPolls = 0,
  ): SandboxInstance {
    const inst: SandboxInstance = {
      instanceId: id('i'),
      ownerId: accountId,
      region,
      imageId,
      state,
      okAt: Date.now() + okAfterMs,
      pollsUntilOk: okAfterPolls,
      launchTime: new Date().toISOString(),
      tags: new Map([['Name', `web-${this.instances.size + 1}`]]),
    };
    this.instances.set(`${region}/${inst.instanceId}`, inst);
    return inst;
  }

  putLaunchTemplate(
    accountId: string,
    region: string,
    defaultImageId: string,
    name?: string,
    instanceType?: string,
  ): string {
    const ltId = id('lt');
    this.launchTemplates.set(`${region}/${ltId}`, {
      id: ltId,
      name: name ?? ltId,
      ownerId: accountId,
      region,
      versions: [{ imageId: defaultImageId, ...(instanceType ? { instanceType } : {}) }],
      defaultVersion: 1,
    });
    return ltId;
  }

  /** An Auto Scaling group launching from a launch template (`version`: $Default, $Latest or a number). */
  putAutoScalingGroup(
    accountId: string,
    region: string,
    name: string,
    launchTemplateId: string,
    version = '$Default',
  ) {
    const g: SandboxAutoScalingGroup = {
      name,
      ownerId: accountId,
      region,
      launchTemplateId,
      version,
      refreshes: [],
    };
    this.autoScalingGroups.set(`${accountId}/${region}/${name}`, g);
    return g;
  }

  /** Auto Scaling: DescribeAutoScalingGroups and StartInstanceRefresh (a refresh stays in progress). */
  private autoScaling(action: string, c: Ctx): Record<string, unknown> {
    const mine = [...this.autoScalingGroups.values()].filter(
      (g) => g.ownerId === c.accountId && g.region === c.region,
    );
    if (action === 'DescribeAutoScalingGroups')
      return {
        AutoScalingGroups: {
          member: mine.map((g) => ({
            AutoScalingGroupName: g.name,
            AutoScalingGroupARN: `arn:aws:autoscaling:${g.region}:${g.ownerId}:autoScalingGroup:x:autoScalingGroupName/${g.name}`,
            LaunchTemplate: { LaunchTemplateId: g.launchTemplateId, Version: g.version },
            MinSize: 1,
            MaxSize: 4,
            DesiredCapacity: 2,
            DefaultCooldown: 300,
            AvailabilityZones: { member: [`${g.region}a`] },
            HealthCheckType: 'EC2',
            CreatedTime: new Date(0).toISOString(),
          })),
        },
      };
    if (action === 'StartInstanceRefresh') {
      const g = mine.find((x) => x.name === c.params.get('AutoScalingGroupName'));
      if (!g)
        throw new SandboxError(
          'ValidationError',
          `AutoScalingGroup name not found - ${c.params.get('AutoScalingGroupName')}`,
        );
      if (g.refreshes.length)
        throw new SandboxError(
          'InstanceRefreshInProgress',
          `An Instance Refresh is already in progress for ${g.name}.`,
        );
      const id = randomBytes(16).toString('hex');
      const min = c.params.get('Preferences.MinHealthyPercentage');
      // an Integer from 0 to 100 in the Auto Scaling API
      if (min !== undefined && !/^(100|\d{1,2})$/.test(min))
        throw new SandboxError(
          'ValidationError',
          `Value '${min}' at 'preferences.minHealthyPercentage' failed to satisfy constraint.`,
        );
      g.refreshes.push({
        id,
        ...(min ? { minHealthy: Number(min) } : {}),
        ...(c.params.get('DesiredConfiguration.LaunchTemplate.Version')
          ? { desiredVersion: c.params.get('DesiredConfiguration.LaunchTemplate.Version') }
          : {}),
      });
      return { InstanceRefreshId: id };
    }
    throw new SandboxError('InvalidAction', `The sandbox does not implement Auto Scaling ${action}.`);
  }

  launchTemplate(region: string, ltId: string): SandboxLaunchTemplate | undefined {
    return this.launchTemplates.get(`${region}/${ltId}`);
  }

  /** A public parameter (/aws/service/...), readable by every account, e.g. Canonical's current Ubuntu AMI. */
  putPublicParameter(region: string, name: string, value: string): void {
    const key = `public/${region}/${name}`;
    const version = (this.parameters.get(key)?.version ?? 0) + 1;
    this.parameters.set(key, { value, dataType: 'aws:ec2:image', version });
  }

  parameter(accountId: string, region: string, name: string) {
    return this.parameters.get(`${accountId}/${region}/${name}`);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Environment for a process acting as `creds` in `region` against this sandbox. */
  env(creds: Credentials, region: string): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_ENDPOINT_URL_EC2: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.endpoint,
      AWS_ENDPOINT_URL_SSM: this.endpoint,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  stateOf(i: SandboxImage): SandboxImage['state'] {
    if (i.state === 'pending' && Date.now() >= i.availableAt) i.state = i.willFail ? 'failed' : 'available';
    return i.state;
  }

  private progressOf(i: SandboxImage): number {
    if (this.stateOf(i) !== 'pending') return 100;
    const total = Math.max(1, i.availableAt - i.startedAt);
    return Math.min(99, Math.floor((100 * (Date.now() - i.startedAt)) / total));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.startsWith('/_sandbox/console/'))
        return this.setConsole(req, res, body);
      const requestId = randomBytes(16).toString('hex');
      let service = 'ec2';
      try {
        const auth = req.headers.authorization ?? '';
        const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
        if (!m)
          throw new SandboxError('AuthFailure', 'Missing or malformed SigV4 Authorization header.', 401);
        service = m[3];
        const creds = this.keys.get(m[1]);
        if (!creds)
          throw new SandboxError(
            service === 'sts' ? 'InvalidClientTokenId' : 'AuthFailure',
            'The security token included in the request is invalid.',
            403,
          );
        if (creds.sessionToken && req.headers['x-amz-security-token'] !== creds.sessionToken) {
          throw new SandboxError('AuthFailure', 'The session token does not match the access key.', 403);
        }
        const region = m[2];
        if (service === 'ssm') return this.handleSsm(req, res, body, creds, region, requestId);
        if (service === 'inspector2' || service === 'inspector-scan') {
          const failure = [...this.failures].find(([a, f]) => f.times > 0 && a.startsWith(`${service}:`));
          if (failure) {
            failure[1].times--;
            const [code, status] = failure[1].code.split('/');
            throw new SandboxError(code, `injected failure of ${failure[0]}`, Number(status) || 400);
          }
          const action = this.inspector.handle(service, req, res, body, {
            accountId: creds.accountId,
            region,
          });
          this.calls.push({
            action,
            service,
            accountId: creds.accountId,
            region,
            params: {},
            at: Date.now(),
          });
          return;
        }
        const params: Params = new Map(new URLSearchParams(body));
        const action = params.get('Action') ?? '';
        this.calls.push({
          action,
          service,
          accountId: creds.accountId,
          region,
          params: Object.fromEntries(params),
          at: Date.now(),
        });
        const failure = this.failures.get(action);
        if (failure && failure.times > 0) {
          failure.times--;
          throw new SandboxError(failure.code, `injected failure of ${action}`);
        }
        const ctx: Ctx = { accountId: creds.accountId, region, params, creds };
        if (service === 'sts' || service === 'autoscaling') {
          const payload = service === 'sts' ? this.sts(action, ctx) : this.autoScaling(action, ctx);
          this.send(res, 200, {
            [`${action}Response`]: {
              '@_xmlns': service === 'sts' ? STS_NS : ASG_NS,
              [`${action}Result`]: payload,
              ResponseMetadata: { RequestId: requestId },
            },
          });
          return;
        }
        if (service !== 'ec2')
          throw new SandboxError('InvalidAction', `The sandbox does not implement the ${service} service.`);
        if (this.opts.throttleRate > 0 && this.rng() < this.opts.throttleRate) {
          this.throttled++;
          throw new SandboxError('RequestLimitExceeded', 'Request limit exceeded.', 503);
        }
        const handler = this.ec2.get(action);
        if (!handler)
          throw new SandboxError(
            'InvalidAction',
            `The action ${action} is not valid for this web service (sandbox).`,
          );
        this.send(res, 200, { [`${action}Response`]: { '@_xmlns': EC2_NS, requestId, ...handler(ctx) } });
      } catch (e) {
        const err =
          e instanceof SandboxError ? e : new SandboxError('InternalError', (e as Error).message, 500);
        if (service === 'sts' || service === 'autoscaling') {
          this.send(res, err.status, {
            ErrorResponse: {
              Error: { Type: 'Sender', Code: err.code, Message: err.message },
              RequestId: requestId,
            },
          });
        } else if (service === 'inspector2' || service === 'inspector-scan') {
          this.calls.push({
            action: `${service}:error`,
            service,
            accountId: '',
            region: '',
            params: {},
            at: Date.now(),
          });
          res.statusCode = err.status;
          res.setHeader('content-type', 'application/json');
          res.setHeader('x-amzn-errortype', err.code);
          res.end(JSON.stringify({ message: err.message }));
        } else if (service === 'ssm') {
          res.statusCode = err.status;
          res.setHeader('content-type', 'application/x-amz-json-1.1');
          res.end(JSON.stringify({ __type: err.code, message: err.message }));
        } else {
          this.send(res, err.status, {
            Response: { Errors: { Error: { Code: err.code, Message: err.message } }, RequestID: requestId },
          });
        }
      }
    });
  }

  private send(res: http.ServerResponse, status: number, doc: Record<string, unknown>): void {
    const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false }).build(doc);
    res.statusCode = status;
    res.setHeader('content-type', 'text/xml;charset=UTF-8');
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  }

  // ---------- STS ----------
  private sts(action: string, c: Ctx): Record<string, unknown> {
    if (action === 'GetCallerIdentity') {
      return {
        Account: c.accountId,
        Arn: `arn:aws:iam::${c.accountId}:user/sandbox`,
        UserId: c.creds.accessKeyId,
      };
    }
    if (action === 'AssumeRole') {
      const arn = c.params.get('RoleArn') ?? '';
      const session = c.params.get('RoleSessionName') ?? '';
      const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(arn);
      if (!m || !this.roles.has(arn))
        throw new SandboxError(
          'AccessDenied',
          `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
          403,
        );
      if (!/^[\w+=,.@-]{2,64}$/.test(session))
        throw new SandboxError('ValidationError', `Invalid RoleSessionName "${session}"`);
      const creds: Credentials = {
        accessKeyId: `ASIA${m[1]}${randomBytes(3).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(20).toString('base64'),
        sessionToken: randomBytes(32).toString('base64'),
        accountId: m[1],
      };
      this.keys.set(creds.accessKeyId, creds);
      return {
        Credentials: {
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          SessionToken: creds.sessionToken,
          Expiration: new Date(Date.now() + 3600_000).toISOString(),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${session}`,
          AssumedRoleId: `AROA${m[1]}:${session}`,
        },
      };
    }
    throw new SandboxError('InvalidAction', `Could not find operation ${action} (sandbox).`);
  }

  // ---------- SSM (JSON 1.1) ----------
  private handleSsm(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    creds: Credentials,
    region: string,
    _rid: string,
  ): void {
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
    const input = body ? JSON.parse(body) : {};
    this.calls.push({
      action,
      service: 'ssm',
      accountId: creds.accountId,
      region,
      params: input,
      at: Date.now(),
    });
    const failure = this.failures.get(action);
    if (failure && failure.times > 0) {
      failure.times--;
      throw new SandboxError(failure.code, `injected failure of ${action}`);
    }
    const key = `${creds.accountId}/${region}/${input.Name}`;
    let out: Record<string, unknown>;
    if (action === 'PutParameter') {
      const levels = String(input.Name ?? '')
        .replace(/^\//, '')
        .split('/');
      if (/^(aws|ssm)/i.test(levels[0]))
        throw new SandboxError(
          'ValidationException',
          'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
        );
      if (levels.length > 15)
        throw new SandboxError(
          'HierarchyLevelLimitExceededException',
          'A hierarchy can have a maximum of 15 levels.',
        );
      const prev = this.parameters.get(key);
      if (prev && !input.Overwrite)
        throw new SandboxError('ParameterAlreadyExists', `The parameter ${input.Name} already exists.`);
      if (input.DataType === 'aws:ec2:image' && !/^ami-[0-9a-f]{8,17}$/.test(input.Value)) {
        throw new SandboxError('ValidationException', `Parameter value ${input.Value} is not an AMI id.`);
      }
      const version = (prev?.version ?? 0) + 1;
      this.parameters.set(key, { value: input.Value, dataType: input.DataType ?? 'text', version });
      out = { Version: version, Tier: 'Standard' };
    } else if (action === 'GetParameter') {
      // public parameters (/aws/service/...) are the same for every account, as in AWS
      const p =
        this.parameters.get(key) ??
        (String(input.Name).startsWith('/aws/service/')
          ? this.parameters.get(`public/${region}/${input.Name}`)
          : undefined);
      if (!p) throw new SandboxError('ParameterNotFound', `Parameter ${input.Name} not found.`);
      out = {
        Parameter: {
          Name: input.Name,
          Value: p.value,
          Version: p.version,
          Type: 'String',
          DataType: p.dataType,
        },
      };
    } else throw new SandboxError('InvalidAction', `The sandbox does not implement SSM ${action}.`);
    res.statusCode = 200;
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    res.end(JSON.stringify(out));
  }

  // ---------- EC2 ----------
  private visibleImages(c: Ctx): SandboxImage[] {
    return [...this.images.values()].filter(
      (i) =>
        i.region === c.region &&
        (i.ownerId === c.accountId ||
          i.launchPermissions.has(c.accountId) ||
          i.launchPermissions.has('all')) &&
        this.stateOf(i) !== 'deregistered',
    );
  }

  private ownImage(c: Ctx, imageId: string | undefined): SandboxImage {
    const img = this.images.get(`${c.region}/${imageId}`);
    if (!img || img.ownerId !== c.accountId || this.stateOf(img) === 'deregistered') {
      throw new SandboxError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    }
    return img;
  }

  private imageXml(i: SandboxImage) {
    return {
      imageId: i.imageId,
      imageState: this.stateOf(i),
      imageOwnerId: i.ownerId,
      name: i.name,
      creationDate: i.creationDate,
      ...(i.description ? { description: i.description } : {}),
      ...(i.deprecationTime ? { deprecationTime: i.deprecationTime } : {}),
      deregistrationProtection: i.deregistrationProtection ?? 'disabled',
      isPublic: false,
      architecture: i.architecture ?? 'x86_64',
      imageType: 'machine',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/sda1',
      blockDeviceMapping: {
        item: i.snapshotIds.map((snapshotId, n) => ({
          deviceName: n === 0 ? '/dev/sda1' : `/dev/sd${String.fromCharCode(97 + n)}`,
          ebs: {
            snapshotId,
            volumeSize: 8,
            deleteOnTermination: true,
            volumeType: 'gp3',
            encrypted: i.encrypted,
            ...(i.kmsKeyId ? { kmsKeyId: i.kmsKeyId } : {}),
          },
        })),
      },
      tagSet: tagXml(i.tags),
    };
  }

  private describeImages(c: Ctx) {
    const ids = indexed(c.params, 'ImageId');
    const owners = indexed(c.params, 'Owner');
    let list = this.visibleImages(c);
    if (owners.length)
      list = list.filter((i) =>
        owners.some((o) => (o === 'self' ? i.ownerId === c.accountId : i.ownerId === o)),
      );
    if (ids.length) {
      const missing = ids.filter((x) => !list.some((i) => i.imageId === x));
      if (missing.length) {
        if (missing.some((x) => !/^ami-[0-9a-f]{8,17}$/.test(x)))
          throw new SandboxError(
            'InvalidAMIID.Malformed',
            `Invalid id: "${missing[0]}" (expecting "ami-...")`,
          );
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
        if (f.name === 'state') return matches(this.stateOf(i), f.values);
        if (f.name === 'image-id') return matches(i.imageId, f.values);
        if (f.name === 'architecture') return matches(i.architecture ?? 'x86_64', f.values);
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
    const tags = tagsAt(c.params, 'Tag.');
    const targets = ids.map((rid) => {
      if (rid.startsWith('snap-')) {
        const s = this.snapshots.get(`${c.region}/${rid}`);
        if (!s || s.ownerId !== c.accountId || s.deleted)
          throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${rid}' does not exist.`);
        return s.tags;
      }
      const img = this.visibleImages(c).find((i) => i.imageId === rid && i.ownerId === c.accountId);
      if (!img) throw new SandboxError('InvalidAMIID.NotFound', `The image id '[${rid}]' does not exist`);
      return img.tags;
    });
    // EC2's tag restrictions: 50 per resource, keys 1–128 characters (not aws:), values up to 256
    for (const [k, v] of tags) {
      if (![...k].length || [...k].length > 128 || /^aws:/i.test(k))
        throw new SandboxError('InvalidParameterValue', `Tag key '${k.slice(0, 40)}' is not valid.`);
      if ([...v].length > 256)
        throw new SandboxError(
          'InvalidParameterValue',
          `Tag value exceeds the maximum length of 256 characters.`,
        );
    }
    for (const t of targets)
      if (new Set([...t.keys(), ...tags.keys()]).size > 50)
        throw new SandboxError(
          'TagLimitExceeded',
          'The maximum number of tags (50) for a resource has been reached.',
        );
    for (const t of targets) for (const [k, v] of tags) t.set(k, v);
    return { return: true };
  }

  private describeTags(c: Ctx) {
    const items = this.visibleImages(c)
      .filter((i) => i.ownerId === c.accountId)
      .flatMap((i) =>
        [...i.tags].map(([key, value]) => ({ resourceId: i.imageId, resourceType: 'image', key, value })),
      );
    return { tagSet: { item: items } };
  }

  private describeInstanceStatus(c: Ctx) {
    const ids = indexed(c.params, 'InstanceId');
    const all = c.params.get('IncludeAllInstances') === 'true';
    const mine = [...this.instances.values()].filter(
      (i) => i.region === c.region && i.ownerId === c.accountId,
    );
    for (const x of ids)
      if (!mine.some((i) => i.instanceId === x))
        throw new SandboxError('InvalidInstanceID.NotFound', `The instance ID '${x}' does not exist`);
    const codes = { pending: 0, running: 16, stopped: 80, terminated: 48 };
    const items = mine
      .filter((i) => !ids.length || ids.includes(i.instanceId))
      .filter((i) => all || i.state === 'running')
      .map((i) => {
        const ready = Date.now() >= i.okAt && i.pollsUntilOk <= 0;
        if (i.pollsUntilOk > 0) i.pollsUntilOk--;
        const status = i.state !== 'running' ? 'not-applicable' : ready ? 'ok' : 'initializing';
        const details = { item: [{ name: 'reachability', status: status === 'ok' ? 'passed' : status }] };
        return {
          instanceId: i.instanceId,
          availabilityZone: `${i.region}a`,
          instanceState: { code: codes[i.state], name: i.state },
          systemStatus: { status, details },
          instanceStatus: { status, details },
        };
      });
    return { instanceStatusSet: { item: items } };
  }

  /**
   * What an instance stand-in printed on its console (`POST /_sandbox/console/<region>/<instance-id>`,
   * the body is the text): the test's side door, in place of a serial port. Not an AWS API.
   */
  private setConsole(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const [, region, instanceId] =
      /^\/_sandbox\/console\/([a-z0-9-]+)\/(i-[0-9a-f]+)$/.exec(req.url ?? '') ?? [];
    const inst = region ? this.instances.get(`${region}/${instanceId}`) : undefined;
    res.statusCode = inst ? 204 : 404;
    if (inst) inst.console = (inst.console ?? '') + body;
    res.end();
  }

  /** GetConsoleOutput, as EC2 answers it: the instance's console text, base64. */
  private getConsoleOutput(c: Ctx) {
    const x = c.params.get('InstanceId') ?? '';
    const inst = this.instances.get(`${c.region}/${x}`);
    if (!inst || inst.ownerId !== c.accountId)
      throw new SandboxError('InvalidInstanceID.NotFound', `The instance ID '${x}' does not exist`);
    return {
      instanceId: x,
      timestamp: new Date().toISOString(),
      ...(inst.console ? { output: Buffer.from(inst.console).toString('base64') } : {}),
    };
  }

  private copyImage(c: Ctx) {
    const srcRegion = c.params.get('SourceRegion') ?? '';
    const srcId = c.params.get('SourceImageId') ?? '';
    const name = c.params.get('Name') ?? '';
    const token = c.params.get('ClientToken');
    const tokenKey = token ? `${c.accountId}/${c.region}/${token}` : undefined;
    if (tokenKey && this.clientTokens.has(tokenKey)) return { imageId: this.clientTokens.get(tokenKey) };
    const src = this.images.get(`${srcRegion}/${srcId}`);
    if (
      !src ||
      this.stateOf(src) === 'deregistered' ||
      (src.ownerId !== c.accountId && !src.launchPermissions.has(c.accountId))
    ) {
      throw new SandboxError(
        'InvalidAMIID.NotFound',
        `The image id '[${srcId}]' does not exist in ${srcRegion}`,
      );
    }
    if (this.stateOf(src) !== 'available')
      throw new SandboxError('IncorrectState', `Image ${srcId} is not available.`);
    if (src.ownerId !== c.accountId) {
      for (const sid of src.snapshotIds) {
        if (!this.snapshots.get(`${srcRegion}/${sid}`)?.createVolumePermissions.has(c.accountId)) {
          throw new SandboxError(
            'InvalidRequest',
            `You do not have permission to copy snapshot ${sid} of ${srcId}: share it (createVolumePermission) first.`,
          );
        }
      }
    }
    if (!/^[\w ()./\-'@]{3,128}$/.test(name))
      throw new SandboxError('InvalidAMIName.Malformed', `AMI name "${name}" is invalid.`);
    if (this.imagesOf(c.accountId, c.region).some((i) => i.name === name)) {
      throw new SandboxError(
        'InvalidAMIName.Duplicate',
        `AMI name ${name} is already in use by another AMI in ${c.region}.`,
      );
    }
    const pendingImages = this.imagesOf(c.accountId, c.region).filter((i) => this.stateOf(i) === 'pending');
    const pending = pendingImages.length;
    const pendingSnapshots = pendingImages.reduce((n, i) => n + i.snapshotIds.length, 0);
    if (pendingSnapshots + src.snapshotIds.length > this.opts.snapshotCopyLimit) {
      throw new SandboxError(
        'ResourceLimitExceeded',
        `You have reached the maximum number of concurrent snapshot copies (${this.opts.snapshotCopyLimit}) in ${c.region}: ${pendingSnapshots} in progress, this image has ${src.snapshotIds.length}.`,
      );
    }
    const encrypted = c.params.get('Encrypted') === 'true' || src.encrypted;
    const kmsKeyId =
      c.params.get('KmsKeyId') ??
      (encrypted ? `arn:aws:kms:${c.region}:${c.accountId}:alias/aws/ebs` : undefined);
    // one per snapshot of the source; registered once the request is known to be good
    const snaps = newSnapshots(src.snapshotIds.length, c.accountId, c.region, encrypted, kmsKeyId);
    const now = Date.now();
    const img: SandboxImage = {
      imageId: id('ami'),
      name,
      state: 'pending',
      ownerId: c.accountId,
      region: c.region,
      creationDate: new Date(now).toISOString(),
      description: c.params.get('Description'),
      tags: new Map(),
      snapshotIds: snaps.map((x) => x.snapshotId),
      encrypted,
      kmsKeyId,
      launchPermissions: new Set(),
      availableAt: now + this.opts.copyLatencyMs,
      ...(this.copiesMade++ < this.opts.failCopies ? { willFail: true } : {}),
      startedAt: now,
      sourceImageId: srcId,
      architecture: src.architecture,
    };
    for (let i = 1; c.params.has(`TagSpecification.${i}.ResourceType`); i++) {
      const type = c.params.get(`TagSpecification.${i}.ResourceType`);
      const targets = type === 'image' ? [img.tags] : type === 'snapshot' ? snaps.map((x) => x.tags) : [];
      if (!targets.length)
        throw new SandboxError('InvalidParameterValue', `CopyImage cannot tag resource type ${type}`);
      for (const [k, v] of tagsAt(c.params, `TagSpecification.${i}.Tag.`))
        for (const t of targets) t.set(k, v);
    }
    for (const snap of snaps) this.snapshots.set(`${c.region}/${snap.snapshotId}`, snap);
    this.images.set(`${c.region}/${img.imageId}`, img);
    if (tokenKey) this.clientTokens.set(tokenKey, img.imageId);
    const key = `${c.accountId}/${c.region}`;
    this.maxConcurrentCopies.set(key, Math.max(this.maxConcurrentCopies.get(key) ?? 0, pending + 1));
    this.maxSnapshotCopies.set(
      key,
      Math.max(this.maxSnapshotCopies.get(key) ?? 0, pendingSnapshots + snaps.length),
    );
    const inRegion = [...this.images.values()].filter(
      (i) => i.region === c.region && this.stateOf(i) === 'pending',
    ).length;
    this.maxConcurrentCopiesPerRegion.set(
      c.region,
      Math.max(this.maxConcurrentCopiesPerRegion.get(c.region) ?? 0, inRegion),
    );
    return { imageId: img.imageId };
  }

  private describeSnapshots(c: Ctx) {
    const ids = indexed(c.params, 'SnapshotId');
    const list = [...this.snapshots.values()].filter(
      (s) =>
        s.region === c.region &&
        !s.deleted &&
        (s.ownerId === c.accountId || s.createVolumePermissions.has(c.accountId)) &&
        (!ids.length || ids.includes(s.snapshotId)),
    );
    for (const f of filters(c.params)) {
      if (f.name !== 'snapshot-id')
        throw new SandboxError(
          'InvalidParameterValue',
          `The filter '${f.name}' is not supported by the sandbox`,
        );
    }
    const byId = filters(c.params).find((f) => f.name === 'snapshot-id');
    const shown = byId ? list.filter((s) => matches(s.snapshotId, byId.values)) : list;
    for (const x of ids)
      if (!list.some((s) => s.snapshotId === x))
        throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${x}' does not exist.`);
    return {
      snapshotSet: {
        item: shown.map((s) => {
          const img = [...this.images.values()].find(
            (i) => i.region === s.region && i.snapshotIds.includes(s.snapshotId),
          );
          const progress = img ? this.progressOf(img) : 100;
          return {
            snapshotId: s.snapshotId,
            volumeId: 'vol-ffffffff',
            status: progress < 100 ? 'pending' : 'completed',
            progress: `${progress}%`,
            ownerId: s.ownerId,
            volumeSize: 8,
            encrypted: s.encrypted,
            ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
            startTime: new Date(img?.startedAt ?? Date.now()).toISOString(),
            tagSet: tagXml(s.tags),
          };
        }),
      },
    };
  }

  private modifyImageAttribute(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    for (const op of ['Add', 'Remove'] as const) {
      for (let i = 1; ; i++) {
        const p = `LaunchPermission.${op}.${i}.`;
        const who =
          c.params.get(`${p}UserId`) ??
          c.params.get(`${p}OrganizationArn`) ??
          c.params.get(`${p}OrganizationalUnitArn`) ??
          c.params.get(`${p}Group`);
        if (!who) break;
        if (
          op === 'Add' &&
          who === 'all' &&
          this.imageBlockPublicAccess.get(`${c.accountId}/${c.region}`) === 'block-new-sharing'
        )
          throw new SandboxError(
            'OperationNotPermitted',
            'Image block public access is enabled: the image cannot be made public.',
          );
        if (op === 'Add') img.launchPermissions.add(who);
        else img.launchPermissions.delete(who);
      }
    }
    for (const u of indexed(c.params, 'UserId')) img.launchPermissions.add(u);
    return { return: true };
  }

  private describeImageAttribute(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    const attribute = c.params.get('Attribute');
    if (attribute !== 'launchPermission')
      throw new SandboxError(
        'InvalidParameterValue',
        `The sandbox describes only launchPermission, not ${attribute}.`,
      );
    const item = [...img.launchPermissions].map((w) =>
      w === 'all'
        ? { group: 'all' }
        : /^arn:aws:organizations::[^:]*:organization\//.test(w)
          ? { organizationArn: w }
          : /^arn:aws:organizations::[^:]*:ou\//.test(w)
            ? { organizationalUnitArn: w }
            : { userId: w },
    );
    return { imageId: img.imageId, launchPermission: { item } };
  }

  private modifySnapshotAttribute(c: Ctx) {
    const sid = c.params.get('SnapshotId');
    const s = this.snapshots.get(`${c.region}/${sid}`);
    if (!s || s.ownerId !== c.accountId || s.deleted)
      throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${sid}' does not exist.`);
    const users = [...indexed(c.params, 'UserId')];
    for (let i = 1; c.params.has(`CreateVolumePermission.Add.${i}.UserId`); i++)
      users.push(c.params.get(`CreateVolumePermission.Add.${i}.UserId`)!);
    const remove = c.params.get('OperationType') === 'remove';
    for (const u of users) {
      if (remove) s.createVolumePermissions.delete(u);
      else s.createVolumePermissions.add(u);
    }
    return { return: true };
  }

  private enableImageDeprecation(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    const at = c.params.get('DeprecateAt') ?? '';
    if (Number.isNaN(Date.parse(at)))
      throw new SandboxError('InvalidParameterValue', `DeprecateAt "${at}" is not a date.`);
    img.deprecationTime = new Date(at).toISOString();
    return { return: true };
  }

  private enableImageDeregistrationProtection(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    img.deregistrationProtection =
      c.params.get('WithCooldown') === 'true' ? 'enabled-with-cooldown' : 'enabled';
    return { return: 'enabled' };
  }

  private disableImageDeregistrationProtection(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    img.deregistrationProtection =
      img.deregistrationProtection === 'enabled-with-cooldown'
        ? `disabled-until ${new Date(Date.now() + 86_400_000).toISOString()}`
        : 'disabled';
    return { return: img.deregistrationProtection };
  }

  private deregisterImage(c: Ctx) {
    const img = this.ownImage(c, c.params.get('ImageId'));
    const p = img.deregistrationProtection ?? 'disabled';
    const until = /^disabled-until (.+)$/.exec(p)?.[1];
    if (p.startsWith('enabled') || (until && Date.parse(until) > Date.now()))
      throw new SandboxError(
        'InvalidParameterValue',
        `Image ${img.imageId} has deregistration protection (${p}).`,
      );
    img.state = 'deregistered';
    return { return: true };
  }

  private deleteSnapshot(c: Ctx) {
    const sid = c.params.get('SnapshotId');
    const s = this.snapshots.get(`${c.region}/${sid}`);
    if (!s || s.ownerId !== c.accountId || s.deleted)
      throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${sid}' does not exist.`);
    const user = [...this.images.values()].find(
      (i) =>
        i.region === c.region && i.snapshotIds.includes(s.snapshotId) && this.stateOf(i) !== 'deregistered',
    );
    if (user)
      throw new SandboxError(
        'InvalidSnapshot.InUse',
        `The snapshot ${sid} is currently in use by ${user.imageId}`,
      );
    s.deleted = true;
    return { return: true };
  }

  private describeInstances(c: Ctx) {
    let list = [...this.instances.values()].filter((i) => i.region === c.region && i.ownerId === c.accountId);
    const ids = indexed(c.params, 'InstanceId');
    for (const x of ids)
      if (!list.some((i) => i.instanceId === x))
        throw new SandboxError('InvalidInstanceID.NotFound', `The instance ID '${x}' does not exist`);
    if (ids.length) list = list.filter((i) => ids.includes(i.instanceId));
    for (const f of filters(c.params)) {
      list = list.filter((i) => {
        if (f.name === 'image-id') return matches(i.imageId, f.values);
        if (f.name === 'instance-id') return matches(i.instanceId, f.values);
        if (f.name === 'instance-state-name') return matches(i.state, f.values);
        if (f.name.startsWith('tag:')) return matches(i.tags.get(f.name.slice(4)), f.values);
        throw new SandboxError(
          'InvalidParameterValue',
          `The filter '${f.name}' is not supported by the sandbox`,
        );
      });
    }
    const codes = { pending: 0, running: 16, stopped: 80, terminated: 48 };
    return {
      reservationSet: {
        item: list.map((i) => ({
          reservationId: `r-${createHash('sha1').update(i.instanceId).digest('hex').slice(0, 17)}`,
          ownerId: i.ownerId,
          instancesSet: {
            item: [
              {
                instanceId: i.instanceId,
                imageId: i.imageId,
                instanceState: { code: codes[i.state], name: i.state },
                instanceType: i.instanceType ?? 't3.micro',
                launchTime: i.launchTime,
                placement: { availabilityZone: `${i.region}a` },
                rootDeviceType: 'ebs',
                rootDeviceName: '/dev/sda1',
                ...(i.keyName ? { keyName: i.keyName } : {}),
                groupSet: { item: (i.groupIds ?? []).map((groupId) => ({ groupId })) },
                tagSet: tagXml(i.tags),
              },
            ],
          },
        })),
      },
    };
  }

  /** The launch template a call names (LaunchTemplateId or LaunchTemplateName), or NotFound. */
  private namedTemplate(c: Ctx): SandboxLaunchTemplate {
    const ltId = c.params.get('LaunchTemplateId');
    const name = c.params.get('LaunchTemplateName');
    const t = [...this.launchTemplates.values()].find(
      (x) => x.region === c.region && x.ownerId === c.accountId && (ltId ? x.id === ltId : x.name === name),
    );
    if (!t)
      throw ltId
        ? new SandboxError('InvalidLaunchTemplateId.NotFound', `Launch template ${ltId} does not exist.`)
        : new SandboxError(
            'InvalidLaunchTemplateName.NotFoundException',
            `Launch template ${name} does not exist.`,
          );
    return t;
  }

  private describeInstanceTypes(c: Ctx) {
    const types = indexed(c.params, 'InstanceType');
    const unknown = types.filter((t) => !INSTANCE_TYPE_ARCHITECTURES[t]);
    if (unknown.length)
      throw new SandboxError(
        'InvalidInstanceType',
        `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
      );
    return {
      instanceTypeSet: {
        item: types.map((t) => ({
          instanceType: t,
          processorInfo: { supportedArchitectures: { item: INSTANCE_TYPE_ARCHITECTURES[t] } },
        })),
      },
    };
  }

  private versionXml(t: SandboxLaunchTemplate, n: number) {
    return {
      launchTemplateId: t.id,
      launchTemplateName: t.name,
      versionNumber: n,
      defaultVersion: n === t.defaultVersion,
      ...(t.versions[n - 1].description ? { versionDescription: t.versions[n - 1].description } : {}),
      launchTemplateData: {
        imageId: t.versions[n - 1].imageId,
        ...(t.versions[n - 1].instanceType ? { instanceType: t.versions[n - 1].instanceType } : {}),
      },
    };
  }

  private describeLaunchTemplates(c: Ctx) {
    const ids = indexed(c.params, 'LaunchTemplateId');
    const names = indexed(c.params, 'LaunchTemplateName');
    const list = [...this.launchTemplates.values()].filter(
      (t) =>
        t.region === c.region &&
        t.ownerId === c.accountId &&
        (!ids.length || ids.includes(t.id)) &&
        (!names.length || names.includes(t.name)),
    );
    if ((ids.length || names.length) && !list.length)
      throw new SandboxError(
        'InvalidLaunchTemplateId.NotFound',
        `Launch template ${[...ids, ...names].join(', ')} does not exist.`,
      );
    return {
      launchTemplates: {
        item: list.map((t) => ({
          launchTemplateId: t.id,
          launchTemplateName: t.name,
          defaultVersionNumber: t.defaultVersion,
          latestVersionNumber: t.versions.length,
        })),
      },
    };
  }

  private describeLaunchTemplateVersions(c: Ctx) {
    const named = c.params.has('LaunchTemplateId') || c.params.has('LaunchTemplateName');
    const templates = named
      ? [this.namedTemplate(c)]
      : [...this.launchTemplates.values()].filter((t) => t.region === c.region && t.ownerId === c.accountId);
    const wanted = indexed(c.params, 'LaunchTemplateVersion');
    const item = templates.flatMap((t) => {
      const numbers = wanted.length
        ? wanted.map((v) =>
            v === '$Default' ? t.defaultVersion : v === '$Latest' ? t.versions.length : Number(v),
          )
        : t.versions.map((_, i) => i + 1);
      return numbers.filter((n) => n >= 1 && n <= t.versions.length).map((n) => this.versionXml(t, n));
    });
    return { launchTemplateVersionSet: { item } };
  }

  private createLaunchTemplateVersion(c: Ctx) {
    const t = this.namedTemplate(c);
    const src = c.params.get('SourceVersion');
    const from =
      src === '$Default' ? t.defaultVersion : src === '$Latest' || !src ? t.versions.length : Number(src);
    if (!(from >= 1 && from <= t.versions.length))
      throw new SandboxError('InvalidLaunchTemplateVersion.NotFound', `Version ${src} does not exist.`);
    const imageId = c.params.get('LaunchTemplateData.ImageId') ?? t.versions[from - 1].imageId;
    const instanceType = c.params.get('LaunchTemplateData.InstanceType') ?? t.versions[from - 1].instanceType;
    t.versions.push({
      imageId,
      description: c.params.get('VersionDescription'),
      ...(instanceType ? { instanceType } : {}),
    });
    return { launchTemplateVersion: this.versionXml(t, t.versions.length) };
  }

  private modifyLaunchTemplate(c: Ctx) {
    const t = this.namedTemplate(c);
    const v = c.params.get('SetDefaultVersion');
    if (v) {
      const n = Number(v);
      if (!(n >= 1 && n <= t.versions.length))
        throw new SandboxError('InvalidLaunchTemplateVersion.NotFound', `Version ${v} does not exist.`);
      t.defaultVersion = n;
    }
    return {
      launchTemplate: {
        launchTemplateId: t.id,
        launchTemplateName: t.name,
        defaultVersionNumber: t.defaultVersion,
        latestVersionNumber: t.versions.length,
      },
    };
  }
}
