/**
 * Foreign JSON (reports of earlier runs, result files, specs) is checked against a JSON Schema with
 * Ajv before any field is used: a report from elsewhere cannot crash a stage or carry markup into
 * what it writes. One validator for the project; the schemas live beside the stage that reads them.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new WeakMap<object, ValidateFunction>();

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : 'the document';
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  return `${where} ${e.message}${allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : ''}`;
}

/**
 * Checks `doc` against `schema`; throws an Error naming the first few problems by their path
 * (`findings.0.cisIds must be array`), never echoing the document's own text.
 */
export function checkSchema<T>(schema: object, doc: unknown, what: string): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(doc)) return doc as T;
  const errors = validate.errors ?? [];
  const shown = errors.slice(0, 3).map(describe);
  throw new Error(
    `${what}: ${shown.join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`,
  );
}
