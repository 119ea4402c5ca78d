/** Waiting for the test environment's instances (verify's wait-for-instances). */
import type { EC2Client } from '@aws-sdk/client-ec2';

/**
 * Wait until every instance is running with system and instance status checks `ok`, logging
 * progress, bounded by `deadline` (ms since epoch). Throws naming the instances that are not ready.
 */
export async function waitForInstances(
  client: EC2Client,
  ids: string[],
  deadline: number,
  io: { info(m: string): void },
  signal?: AbortSignal,
): Promise<void> {
  const { DescribeInstanceStatusCommand } = await import('@aws-sdk/client-ec2');
  let delay = 1000;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new Error('cancelled while waiting for the instances');
    const r = await client.send(
      new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }),
    );
    const byId = new Map((r.InstanceStatuses ?? []).map((s) => [s.InstanceId ?? '', s]));
    const states = ids.map((id) => {
      const s = byId.get(id);
      const state = s?.InstanceState?.Name ?? 'unknown';
      return {
        id,
        state,
        system: s?.SystemStatus?.Status ?? 'unknown',
        instance: s?.InstanceStatus?.Status ?? 'unknown',
      };
    });
    const line = states
      .map((s) => `${s.id}: ${s.state}, system ${s.system}, instance ${s.instance}`)
      .join('; ');
    if (line !== last) io.info(line);
    last = line;
    const dead = states.find((s) => ['terminated', 'shutting-down', 'stopped', 'stopping'].includes(s.state));
    if (dead) throw new Error(`instance ${dead.id} is ${dead.state}: it will not pass its status checks`);
    if (states.every((s) => s.state === 'running' && s.system === 'ok' && s.instance === 'ok')) return;
    if (Date.now() + delay > deadline) throw new Error(`instances not ready before the timeout: ${line}`);
    await new Promise((res) => setTimeout(res, delay));
    delay = Math.min(delay * 2, 15_000);
  }
}

/** The instance's console output (GetConsoleOutput, the latest), decoded; '' when EC2 has none yet. */
export async function consoleOutput(client: EC2Client, instanceId: string): Promise<string> {
  const { GetConsoleOutputCommand } = await import('@aws-sdk/client-ec2');
  const r = await client.send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }));
  return r.Output ? Buffer.from(r.Output, 'base64').toString('utf8') : '';
}
