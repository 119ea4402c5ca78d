/**
 * The EC2 query protocol's pieces the sandbox's handlers share: errors, parameters (`Prefix.N`,
 * filters, tags) and ids. Test support.
 */
import { randomBytes } from 'node:crypto';

export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Params = Map<string, string>;
export interface Ctx {
  accountId: string;
  region: string;
  params: Params;
  creds: Credentials;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId: string;
}
export type Handler = (ctx: Ctx) => Record<string, unknown>;

/** `Prefix.1`, `Prefix.2`, … */
export function indexed(params: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) out.push(params.get(`${prefix}.${i}`)!);
  return out;
}

export function filters(params: Params): Array<{ name: string; values: string[] }> {
  const out = [];
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    out.push({ name: params.get(`Filter.${i}.Name`)!, values: indexed(params, `Filter.${i}.Value`) });
  }
  return out;
}

export function matches(value: string | undefined, patterns: string[]): boolean {
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

/** Tag.N.Key/Value under a prefix. */
export function tagsAt(params: Params, prefix: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 1; params.has(`${prefix}${i}.Key`); i++)
    out.push([params.get(`${prefix}${i}.Key`)!, params.get(`${prefix}${i}.Value`) ?? '']);
  return out;
}

export const id = (prefix: string) => `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
export const tagXml = (tags: Map<string, string>) => ({
  item: [...tags].map(([key, value]) => ({ key, value })),
});
