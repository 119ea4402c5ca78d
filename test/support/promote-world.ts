/** The promote tests' world: three accounts (two reached by role), a build AMI, the EC2/STS/SSM sandbox. */
import { Ec2Sandbox, type SandboxOptions } from '../sandbox/ec2-sandbox.js';

export const SRC = '111111111111';
export const B = '222222222222';
export const C = '333333333333';
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
export const MUTATING = [
  'CopyImage',
  'CreateTags',
  'ModifyImageAttribute',
  'ModifySnapshotAttribute',
  'EnableImageDeprecation',
  'DeregisterImage',
  'DeleteSnapshot',
  'PutParameter',
];
/** the tags of a build AMI that passed verify and scan */
export const GATE = {
  'ami-bakery:verify': 'passed',
  'ami-bakery:scan': 'passed',
  'ami-bakery:cis-score': '91.5',
  'ami-bakery:commit': 'c0ffee1234',
};
export const KMS = REGIONS.map((r) => `${r}=alias/golden-${r}`).join('\n');

let sandbox: Ec2Sandbox | undefined;
/** Stop the sandbox of the last world (call in afterEach). */
export async function stopWorld(): Promise<void> {
  await sandbox?.stop();
  sandbox = undefined;
}

export async function world(opts: SandboxOptions = {}, tags: Record<string, string> = GATE) {
  sandbox = new Ec2Sandbox(opts);
  await sandbox.start();
  const creds = sandbox.addAccount(SRC);
  sandbox.addAccount(B);
  sandbox.addAccount(C);
  sandbox.addRole(B, 'ami-promoter');
  sandbox.addRole(C, 'ami-promoter');
  const source = sandbox.putImage(SRC, 'us-east-1', { name: 'ubuntu-22.04-hardened-build-42', tags });
  return { sb: sandbox, env: sandbox.env(creds, 'us-east-1'), source };
}

export const baseArgs = (ami: string, override: Record<string, string> = {}) => {
  const inputs: Record<string, string> = {
    'ami-id': ami,
    regions: REGIONS.join(','),
    accounts: [SRC, B, C].join('\n'),
    'role-name': 'ami-promoter',
    'kms-key-ids': KMS,
    name: 'golden-ubuntu-22.04-{sha}',
    'ssm-parameter': '/golden/ubuntu-22.04/latest',
    'deprecate-after': '90d',
    tags: 'team=platform',
    'share-with': '444444444444',
    ...override,
  };
  return ['promote', ...Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v])];
};

export const mutations = (sb: Ec2Sandbox) => sb.calls.filter((c) => MUTATING.includes(c.action));
export const copiesNamed = (sb: Ec2Sandbox, account: string, region: string, name: string) =>
  sb.imagesOf(account, region).filter((i) => i.name === name);
