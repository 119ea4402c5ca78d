/**
 * What a real image build and a real test environment ask of EC2, for the sandbox: key pairs,
 * security groups, RunInstances, StopInstances, TerminateInstances and CreateImage, with the
 * answers' shapes of the EC2 API reference. Packer 1.6.6's amazon-ebs builder (even with
 * `communicator: none` it makes a temporary key pair and security group) and a test environment
 * that launches an instance from the new AMI both run against it. Test support, not product.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Ctx, filters, type Handler, id, indexed, SandboxError, tagsAt } from './query.js';

export interface BuildInstance {
  instanceId: string;
  ownerId: string;
  region: string;
  imageId: string;
  state: 'pending' | 'running' | 'stopped' | 'terminated';
  okAt: number;
  pollsUntilOk: number;
  launchTime: string;
  tags: Map<string, string>;
  instanceType?: string;
  keyName?: string;
  groupIds?: string[];
  console?: string;
}

/** The parts of the sandbox the build calls read and change. */
export interface BuildWorld {
  readonly instances: Map<string, BuildInstance>;
  /** images the caller may launch (own, shared with it, or public) in its region */
  visibleImageIds(c: Ctx): string[];
  /** a new image of the account, pending until `availableAt` */
  createImage(
    c: Ctx,
    over: {
      name: string;
      description?: string;
      tags: Record<string, string>;
      availableAt: number;
      sourceInstanceId: string;
    },
  ): { imageId: string };
}

export interface KeyPair {
  name: string;
  id: string;
  ownerId: string;
  region: string;
  fingerprint: string;
}

export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  ownerId: string;
  region: string;
  vpcId?: string;
  ingress: number;
}

const STATE_CODES = {
  pending: 0,
  running: 16,
  stopping: 64,
  stopped: 80,
  'shutting-down': 32,
  terminated: 48,
};
/** How long an image made by CreateImage stays pending. */
const CREATE_IMAGE_MS = 300;

export class BuildApi {
  readonly keyPairs = new Map<string, KeyPair>();
  readonly securityGroups = new Map<string, SecurityGroup>();

  constructor(private readonly world: BuildWorld) {}

  handlers(): Record<string, Handler> {
    return {
      CreateKeyPair: (c) => this.createKeyPair(c),
      DeleteKeyPair: (c) => this.deleteKeyPair(c),
      DescribeKeyPairs: (c) => this.describeKeyPairs(c),
      CreateSecurityGroup: (c) => this.createSecurityGroup(c),
      AuthorizeSecurityGroupIngress: (c) => {
        this.group(c, c.params.get('GroupId') ?? '').ingress++;
        return { return: true };
      },
      DescribeSecurityGroups: (c) => this.describeSecurityGroups(c),
      DeleteSecurityGroup: (c) => {
        const g = this.group(c, c.params.get('GroupId') ?? '');
        this.securityGroups.delete(`${c.region}/${g.groupId}`);
        return { return: true };
      },
      RunInstances: (c) => this.runInstances(c),
      StopInstances: (c) => this.changeState(c, 'stopped', 'stoppingInstances'),
      TerminateInstances: (c) => this.changeState(c, 'terminated', 'terminatingInstances'),
      CreateImage: (c) => this.createImage(c),
      // the sandbox models no volumes: an instance's root volume goes with it (DeleteOnTermination)
      DescribeVolumes: () => ({ volumeSet: '' }),
    };
  }

  /** Key pairs, security groups and instances not terminated: what a cancelled build may leave. */
  leftovers(accountId: string): string[] {
    return [
      ...[...this.keyPairs.values()].filter((k) => k.ownerId === accountId).map((k) => `key pair ${k.name}`),
      ...[...this.securityGroups.values()]
        .filter((g) => g.ownerId === accountId)
        .map((g) => `security group ${g.groupId}`),
      ...[...this.world.instances.values()]
        .filter((i) => i.ownerId === accountId && i.state !== 'terminated')
        .map((i) => `instance ${i.instanceId} (${i.state})`),
    ];
  }

  private createKeyPair(c: Ctx) {
    const name = c.params.get('KeyName') ?? '';
    if (!name) throw new SandboxError('MissingParameter', 'The request must contain the parameter KeyName');
    const key = `${c.accountId}/${c.region}/${name}`;
    if (this.keyPairs.has(key))
      throw new SandboxError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
    const fingerprint = randomBytes(20)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1:');
    const kp = { name, id: id('key'), ownerId: c.accountId, region: c.region, fingerprint };
    this.keyPairs.set(key, kp);
    // not a usable key: nothing connects with it (communicator none)
    const material = `-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END RSA PRIVATE KEY-----`;
    return { keyName: name, keyPairId: kp.id, keyFingerprint: fingerprint, keyMaterial: material };
  }

  private deleteKeyPair(c: Ctx) {
    // EC2 answers success for a key pair that does not exist
    this.keyPairs.delete(`${c.accountId}/${c.region}/${c.params.get('KeyName') ?? ''}`);
    return { return: true };
  }

  private describeKeyPairs(c: Ctx) {
    const names = indexed(c.params, 'KeyName');
    const list = [...this.keyPairs.values()].filter(
      (k) => k.ownerId === c.accountId && k.region === c.region && (!names.length || names.includes(k.name)),
    );
    for (const n of names)
      if (!list.some((k) => k.name === n))
        throw new SandboxError('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
    return {
      keySet: {
        item: list.map((k) => ({ keyPairId: k.id, keyName: k.name, keyFingerprint: k.fingerprint })),
      },
    };
  }

  private createSecurityGroup(c: Ctx) {
    const groupName = c.params.get('GroupName') ?? '';
    const description = c.params.get('GroupDescription') ?? '';
    if (!groupName || !description)
      throw new SandboxError('MissingParameter', 'GroupName and GroupDescription are required');
    if ([...this.securityGroups.values()].some((g) => g.ownerId === c.accountId && g.groupName === groupName))
      throw new SandboxError('InvalidGroup.Duplicate', `The security group '${groupName}' already exists`);
    const g: SecurityGroup = {
      groupId: id('sg'),
      groupName,
      description,
      ownerId: c.accountId,
      region: c.region,
      vpcId: c.params.get('VpcId'),
      ingress: 0,
    };
    this.securityGroups.set(`${c.region}/${g.groupId}`, g);
    return { return: true, groupId: g.groupId };
  }

  private group(c: Ctx, groupId: string): SecurityGroup {
    const g = this.securityGroups.get(`${c.region}/${groupId}`);
    if (!g || g.ownerId !== c.accountId)
      throw new SandboxError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    return g;
  }

  private describeSecurityGroups(c: Ctx) {
    const ids = indexed(c.params, 'GroupId');
    for (const f of filters(c.params))
      if (f.name !== 'group-id')
        throw new SandboxError(
          'InvalidParameterValue',
          `The filter '${f.name}' is not supported by the sandbox`,
        );
    const wanted = [...ids, ...filters(c.params).flatMap((f) => f.values)];
    const list = wanted.length
      ? wanted.map((g) => this.group(c, g))
      : [...this.securityGroups.values()].filter((g) => g.ownerId === c.accountId && g.region === c.region);
    return {
      securityGroupInfo: {
        item: list.map((g) => ({
          ownerId: g.ownerId,
          groupId: g.groupId,
          groupName: g.groupName,
          groupDescription: g.description,
          ...(g.vpcId ? { vpcId: g.vpcId } : {}),
          ipPermissions: '',
          ipPermissionsEgress: '',
        })),
      },
    };
  }

  private runInstances(c: Ctx) {
    const imageId = c.params.get('ImageId') ?? '';
    if (!this.world.visibleImageIds(c).includes(imageId))
      throw new SandboxError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    const count = Number(c.params.get('MaxCount') ?? '1');
    if (!Number.isInteger(count) || count < 1 || count > 20)
      throw new SandboxError('InvalidParameterValue', `MaxCount ${count} is out of range (sandbox: 1–20)`);
    const keyName = c.params.get('KeyName');
    if (keyName && !this.keyPairs.has(`${c.accountId}/${c.region}/${keyName}`))
      throw new SandboxError('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
    const groupIds = indexed(c.params, 'SecurityGroupId');
    for (const g of groupIds) this.group(c, g);
    const tags: Array<[string, string]> = [];
    for (let i = 1; c.params.has(`TagSpecification.${i}.ResourceType`); i++)
      if (c.params.get(`TagSpecification.${i}.ResourceType`) === 'instance')
        tags.push(...tagsAt(c.params, `TagSpecification.${i}.Tag.`));
    // EC2's idempotency: the same ClientToken launches nothing more and answers the same instances.
    // The sandbox derives their ids from the token (EC2's ids are opaque), so a test environment
    // that has no provider to read RunInstances' answer with knows its instance's id.
    const token = c.params.get('ClientToken');
    const idOf = (n: number) =>
      token
        ? `i-${createHash('sha1')
            .update(n ? `${token}#${n}` : token)
            .digest('hex')
            .slice(0, 17)}`
        : id('i');
    const made: BuildInstance[] = [];
    for (let n = 0; n < count; n++) {
      const again = this.world.instances.get(`${c.region}/${idOf(n)}`);
      if (again) {
        made.push(again);
        continue;
      }
      const inst: BuildInstance = {
        instanceId: idOf(n),
        ownerId: c.accountId,
        region: c.region,
        imageId,
        state: 'running',
        okAt: Date.now(),
        pollsUntilOk: 1,
        launchTime: new Date().toISOString(),
        tags: new Map(tags),
        instanceType: c.params.get('InstanceType') ?? 'm1.small',
        keyName,
        groupIds,
      };
      this.world.instances.set(`${c.region}/${inst.instanceId}`, inst);
      made.push(inst);
    }
    return {
      reservationId: `r-${randomBytes(9).toString('hex').slice(0, 17)}`,
      ownerId: c.accountId,
      groupSet: '',
      instancesSet: {
        item: made.map((i) => ({
          instanceId: i.instanceId,
          imageId: i.imageId,
          instanceState: { code: STATE_CODES.pending, name: 'pending' },
          instanceType: i.instanceType,
          launchTime: i.launchTime,
          placement: { availabilityZone: `${c.region}a` },
          ...(keyName ? { keyName } : {}),
        })),
      },
    };
  }

  private instance(c: Ctx, instanceId: string): BuildInstance {
    const i = this.world.instances.get(`${c.region}/${instanceId}`);
    if (!i || i.ownerId !== c.accountId)
      throw new SandboxError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    return i;
  }

  private changeState(c: Ctx, to: 'stopped' | 'terminated', key: string) {
    const ids = indexed(c.params, 'InstanceId');
    const list = ids.map((x) => this.instance(c, x));
    const items = list.map((i) => {
      const previous = i.state;
      if (!(to === 'stopped' && previous === 'terminated')) i.state = to;
      const current = to === 'stopped' ? 'stopping' : 'shutting-down';
      return {
        instanceId: i.instanceId,
        currentState: { code: STATE_CODES[current], name: current },
        previousState: { code: STATE_CODES[previous], name: previous },
      };
    });
    return { [key]: { item: items } };
  }

  private createImage(c: Ctx) {
    const i = this.instance(c, c.params.get('InstanceId') ?? '');
    const name = c.params.get('Name') ?? '';
    if (!/^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/.test(name))
      throw new SandboxError('InvalidAMIName.Malformed', `AMI name '${name}' is not valid`);
    const tags: Record<string, string> = {};
    for (let n = 1; c.params.has(`TagSpecification.${n}.ResourceType`); n++)
      if (c.params.get(`TagSpecification.${n}.ResourceType`) === 'image')
        Object.assign(tags, Object.fromEntries(tagsAt(c.params, `TagSpecification.${n}.Tag.`)));
    return this.world.createImage(c, {
      name,
      description: c.params.get('Description'),
      tags,
      availableAt: Date.now() + CREATE_IMAGE_MS,
      // which instance it was made from: a test environment finds the image's disk by it
      sourceInstanceId: i.instanceId,
    });
  }
}
