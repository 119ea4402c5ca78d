/**
 * Plays a workflow file job by job, as the runner would, for tests (issue 24): the file read with
 * GitHub's own @actions/workflow-parser and every `${{ }}` evaluated with @actions/expressions.
 *
 *   - jobs run in the order their `needs` allow, each only if its `if` holds (a job or step `if`
 *     without a status function means `success() && (…)`, as GitHub reads it);
 *   - `run:` steps run with bash (`bash --noprofile --norc -eo pipefail`), with GITHUB_OUTPUT,
 *     GITHUB_ENV, GITHUB_STEP_SUMMARY and, with `id-token: write`, the OIDC request variables;
 *   - `uses: ./…` actions run from their committed bundle (action.yml `runs.main`, then `runs.post`
 *     at the end of the job, with the main step's state), their inputs' defaults evaluated too;
 *   - third-party actions are replaced by their documented effects (`effects`); any other fails;
 *   - PATH holds only what the job's runner image has (`runnerPath`), so a step that needs a tool
 *     the job did not install fails as it would on GitHub;
 *   - a step that reads an output nothing set, or an action that needs a permission the job lacks,
 *     fails the play (`problems`);
 *   - `strategy.matrix` (dimensions, `include`, `exclude`, a `fromJSON` list) runs one instance of
 *     the job per combination, in order; with `fail-fast` (GitHub's default) the first failure
 *     cancels the instances still to run;
 *   - a job that `uses:` a reusable workflow plays that workflow (`workflows` says where it is) with
 *     the job's `with:`, typed as it declares; two calls of one run holding the same concurrency
 *     group are a problem of the play, as GitHub would queue one behind the other and cancel the
 *     waiting ones once a third comes.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isMapping,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { parse as parseYaml } from 'yaml';
import { parseFileCommands } from './file-commands.js';

/** A value of the workflow file: literal, or an expression still to evaluate. */
export type Raw = string | number | boolean | null | { expr: string } | Raw[] | { [k: string]: Raw };
export type Result = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepRecord {
  job: string;
  id: string;
  name: string;
  outcome: Result;
  outputs: Record<string, string>;
  log: string;
}

export interface JobRecord {
  id: string;
  result: Result;
  outputs: Record<string, string>;
  summary: string;
  steps: StepRecord[];
  /** a matrix job: one record per combination, in the order they ran (or were cancelled) */
  instances?: JobRecord[];
  /** the matrix combination of this instance */
  matrix?: Record<string, unknown>;
  /** a reusable workflow call: the called workflow's jobs, and its concurrency group */
  called?: Map<string, JobRecord>;
  group?: string;
}

/** What a third-party step does, given its evaluated `with`; returns its outputs, throws to fail. */
export type Effect = (
  job: JobContext,
  inputs: Record<string, string>,
) => Promise<Record<string, string>> | Record<string, string>;

export interface JobContext {
  id: string;
  workspace: string;
  temp: string;
  env: Record<string, string>;
  permissions: Record<string, string>;
  environment?: string;
  record: JobRecord;
  /** the play's problems: a tool missing, an output never set, a permission lacking */
  problem(what: string): void;
}

export interface PlayOptions {
  file: string;
  inputs: Record<string, string | boolean | number>;
  github: Record<string, unknown>;
  /** directories of a job: a fresh workspace and runner temp per job */
  newJobDirs(job: string): { workspace: string; temp: string };
  /** PATH of the job's runner image */
  runnerPath: string;
  /** the runner's environment (tool cache, AWS endpoints of the stand-ins, …) */
  env: Record<string, string>;
  effects: Record<string, Effect>;
  /** the OIDC token request a job with id-token: write gets */
  oidc: (job: JobContext) => { url: string; token: string };
  /** called after each job (the test may look at the world between jobs) */
  afterJob?: (job: JobRecord, ctx: JobContext) => Promise<void> | void;
  log?: (line: string) => void;
  /** reusable workflows a job may call: `owner/repo/path.yml` (the `uses:` less its @ref) → local file */
  workflows?: Record<string, string>;
  /** the concurrency groups already held in this workflow run (shared with the calls it makes) */
  groups?: Map<string, string>;
  /** what the play is called in problems and logs (a call: its caller job and matrix values) */
  name?: string;
}

const STATUS = /\b(success|always|failure|cancelled)\s*\(/;

/** The parsed file, tokens turned into plain values with `{ expr }` where an expression is. */
export async function loadWorkflow(file: string): Promise<{ raw: Record<string, Raw>; errors: string[] }> {
  const content = fs.readFileSync(file, 'utf8');
  const parsed = parseWorkflow({ name: path.basename(file), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  errors.push(...(template.errors ?? []).map((e) => e.Message));
  return { raw: plain(parsed.value) as Record<string, Raw>, errors };
}

function plain(t: unknown): Raw {
  if (t === undefined || t === null) return null;
  if (isBasicExpression(t as never)) return { expr: (t as { expression: string }).expression };
  if (isString(t as never)) return (t as { value: string }).value;
  if (isMapping(t as never)) {
    const out: Record<string, Raw> = {};
    for (const kv of t as Iterable<{ key: { toString(): string }; value: unknown }>)
      out[kv.key.toString()] = plain(kv.value);
    return out;
  }
  if (isSequence(t as never)) return [...(t as Iterable<unknown>)].map(plain);
  const v = (t as { value?: unknown }).value;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v === null || v === undefined) return null;
  return String(v);
}

/** A workflow expression, evaluated with GitHub's evaluator over the contexts and status functions. */
export function evaluate(
  expr: string,
  contexts: Record<string, unknown>,
  status: { success: boolean; failure: boolean; cancelled: boolean },
): unknown {
  const lexed = new Lexer(expr).lex();
  const fns = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.success) },
    { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.failure) },
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status.cancelled) },
  ];
  const tree = new Parser(lexed.tokens, Object.keys(contexts), fns).parse();
  const ctx = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  const result = new Evaluator(tree, ctx, new Map(fns.map((f) => [f.name, f]))).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer));
}

/** Truthiness as GitHub's `if` has it. */
const truthy = (v: unknown) => !(v === false || v === 0 || v === '' || v === null || v === undefined);

/** A value as text, as the runner passes inputs and env: numbers and booleans as JSON, null as ''. */
const text = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export class WorkflowPlayer {
  readonly jobs = new Map<string, JobRecord>();
  readonly problems: string[] = [];
  private raw: Record<string, Raw> = {};
  private inputs: Record<string, unknown> = {};
  /** the workflow's concurrency group, evaluated for this call (github and inputs contexts) */
  concurrencyGroup?: string;

  /** the concurrency groups held in this workflow run, and by which call */
  private readonly groups: Map<string, string>;

  constructor(readonly o: PlayOptions) {
    this.groups = o.groups ?? new Map();
  }

  async play(): Promise<Map<string, JobRecord>> {
    const { raw, errors } = await loadWorkflow(this.o.file);
    if (errors.length) throw new Error(`${this.o.file} does not parse: ${errors.join('; ')}`);
    this.raw = raw;
    this.inputs = this.callInputs();
    const c = raw.concurrency;
    if (c !== undefined && c !== null) {
      const group = typeof c === 'object' && !Array.isArray(c) && !('expr' in c) ? c.group : c;
      this.concurrencyGroup = String(
        this.value(
          group,
          { github: this.o.github, inputs: this.inputs, vars: {} },
          {
            success: true,
            failure: false,
            cancelled: false,
          },
        ),
      );
    }
    if (this.concurrencyGroup !== undefined) {
      const held = this.groups.get(this.concurrencyGroup);
      if (held)
        this.problems.push(
          `${path.basename(this.o.file)}: concurrency group ${this.concurrencyGroup} is already held by ${held} in this run: GitHub queues this call behind it, and cancels the waiting ones once a third comes`,
        );
      else this.groups.set(this.concurrencyGroup, this.o.name ?? path.basename(this.o.file));
    }
    const jobs = raw.jobs as Record<string, Record<string, Raw>>;
    const order = topological(jobs);
    for (const id of order) await this.runJob(id, jobs[id]);
    return this.jobs;
  }

  /** workflow_call inputs: the caller's, typed, else the declared defaults; unknown or missing required fail. */
  private callInputs(): Record<string, unknown> {
    const decl = (workflowCall(this.raw).inputs ?? {}) as Record<string, Record<string, Raw>>;
    for (const k of Object.keys(this.o.inputs))
      if (!(k in decl))
        throw new Error(`the caller passes input ${k}, which ${path.basename(this.o.file)} does not declare`);
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(decl)) {
      const given = this.o.inputs[k];
      if (given === undefined && d.required === true) throw new Error(`required input ${k} is not given`);
      const v = given ?? d.default ?? (d.type === 'boolean' ? false : '');
      if (d.type === 'boolean' && typeof v !== 'boolean') throw new Error(`input ${k} must be a boolean`);
      if (d.type === 'string' && typeof v === 'boolean')
        throw new Error(`input ${k} is a string; it was given the boolean ${v}`);
      out[k] = d.type === 'string' ? text(v) : v;
    }
    return out;
  }

  private needsContext(job: Record<string, Raw>) {
    const needs = (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []) as string[];
    const ctx: Record<string, unknown> = {};
    for (const n of needs) {
      const r = this.jobs.get(n)!;
      ctx[n] = { result: r.result, outputs: r.outputs };
    }
    return { needs, ctx };
  }

  private async runJob(id: string, job: Record<string, Raw>): Promise<void> {
    const { needs, ctx: needsCtx } = this.needsContext(job);
    const results = needs.map((n) => this.jobs.get(n)!.result);
    const status = {
      success: results.every((r) => r === 'success'),
      failure: results.some((r) => r === 'failure'),
      cancelled: false,
    };
    const base = { github: this.o.github, inputs: this.inputs, needs: needsCtx, vars: {} };
    const cond = job.if === null || job.if === undefined ? 'success()' : exprOf(job.if);
    const record: JobRecord = { id, result: 'skipped', outputs: {}, summary: '', steps: [] };
    this.jobs.set(id, record);
    if (!truthy(evaluate(STATUS.test(cond) ? cond : `success() && (${cond})`, base, status))) {
      this.o.log?.(`job ${id}: skipped`);
      return;
    }
    const strategy = (job.strategy ?? {}) as Record<string, Raw>;
    if (strategy.matrix === undefined || strategy.matrix === null) {
      await this.runInstance(id, id, job, base, status, record);
      return;
    }
    // the matrix is evaluated before any instance runs (needs, inputs, github: no matrix, no steps)
    const combos = expandMatrix(this.value(strategy.matrix, base, status));
    const failFast =
      strategy['fail-fast'] === undefined ? true : truthy(this.value(strategy['fail-fast'], base, status));
    if (!combos.length) throw new Error(`job ${id}: its matrix has no combination (GitHub fails the run)`);
    record.instances = [];
    for (const m of combos) {
      // GitHub names an instance by its values; long ones are cut here, to keep logs readable
      const values = Object.values(m)
        .filter((v) => typeof v !== 'object')
        .map((v) => text(v).replace(/\s+/g, ' '))
        .join(', ');
      const name = `${id} (${values.length > 60 ? `${values.slice(0, 59)}…` : values})`;
      const inst: JobRecord = {
        id: name,
        result: 'cancelled',
        outputs: {},
        summary: '',
        steps: [],
        matrix: m,
      };
      record.instances.push(inst);
      if (failFast && record.instances.some((r) => r.result === 'failure')) {
        this.o.log?.(`job ${name}: cancelled (fail-fast)`);
        continue;
      }
      await this.runInstance(id, name, job, { ...base, matrix: m }, status, inst);
    }
    record.result = overall(record.instances);
    // GitHub keeps one instance's outputs (whichever wrote last): the last that set each
    for (const r of record.instances) Object.assign(record.outputs, r.outputs);
  }

  /** One job, or one instance of a matrix job: its steps, or the reusable workflow it calls. */
  private async runInstance(
    id: string,
    name: string,
    job: Record<string, Raw>,
    base: Record<string, unknown>,
    status: Parameters<typeof evaluate>[2],
    record: JobRecord,
  ): Promise<void> {
    this.o.log?.(`job ${name}: running`);
    if (job.uses !== undefined && job.uses !== null) {
      await this.runCall(name, job, base, status, record);
      this.o.log?.(`job ${name}: ${record.result}`);
      return;
    }
    const dirs = this.o.newJobDirs(id);
    const permissions = (job.permissions ?? {}) as Record<string, string>;
    const jc: JobContext = {
      id,
      ...dirs,
      env: {},
      permissions,
      environment: typeof job.environment === 'string' ? job.environment : undefined,
      record,
      problem: (what) => this.problems.push(`${name}: ${what}`),
    };
    const contexts = { ...base, env: {} as Record<string, string>, steps: {} as Record<string, unknown> };
    for (const [k, v] of Object.entries((job.env ?? {}) as Record<string, Raw>))
      jc.env[k] = text(this.value(v, contexts, status));
    contexts.env = jc.env;
    const posts: Array<() => Promise<void>> = [];
    let failed = false;
    for (const [i, step] of ((job.steps ?? []) as Array<Record<string, Raw>>).entries()) {
      const rec = await this.runStep(
        jc,
        step,
        i,
        contexts,
        { ...status, success: !failed, failure: failed },
        posts,
      );
      record.steps.push(rec);
      if (rec.outcome === 'failure') failed = true;
    }
    for (const post of posts.reverse()) await post();
    record.result = failed ? 'failure' : 'success';
    for (const [k, v] of Object.entries((job.outputs ?? {}) as Record<string, Raw>)) {
      const out = text(this.value(v, contexts, status));
      if (out) record.outputs[k] = out;
    }
    this.o.log?.(`job ${name}: ${record.result}`);
    await this.o.afterJob?.(record, jc);
  }

  /**
   * A job that calls a reusable workflow: that workflow played with the job's `with:` (values as
   * evaluated: a boolean stays a boolean), in the same run (artifacts, concurrency groups), its
   * outputs those its `on.workflow_call.outputs` name.
   */
  private async runCall(
    name: string,
    job: Record<string, Raw>,
    base: Record<string, unknown>,
    status: Parameters<typeof evaluate>[2],
    record: JobRecord,
  ): Promise<void> {
    const uses = text(job.uses).replace(/@.*$/, '');
    const file = this.o.workflows?.[uses];
    if (!file) {
      this.problems.push(`${name}: calls ${text(job.uses)}, which the play has no copy of`);
      record.result = 'failure';
      return;
    }
    const inputs: Record<string, string | boolean | number> = {};
    for (const [k, v] of Object.entries((job.with ?? {}) as Record<string, Raw>)) {
      const x = this.value(v, base, status);
      inputs[k] = typeof x === 'boolean' || typeof x === 'number' ? x : text(x);
    }
    const child = new WorkflowPlayer({
      ...this.o,
      file,
      inputs,
      groups: this.groups,
      name,
      log: this.o.log && ((l) => this.o.log!(`${name} › ${l}`)),
    });
    try {
      record.called = await child.play();
    } catch (e) {
      // what GitHub refuses before the call runs: an input the workflow does not declare, a wrong type
      this.problems.push(`${name}: ${(e as Error).message}`);
      record.result = 'failure';
      return;
    }
    record.group = child.concurrencyGroup;
    this.problems.push(...child.problems.map((p) => `${name} › ${p}`));
    record.result = overall(record.called.values());
    const outs = workflowCall(child.raw).outputs as Record<string, Record<string, Raw>> | undefined;
    const jobs = Object.fromEntries(
      [...record.called].map(([k, j]) => [k, { result: j.result, outputs: j.outputs }]),
    );
    for (const [k, d] of Object.entries(outs ?? {})) {
      const out = text(child.value(d.value, { ...base, jobs }, status));
      if (out) record.outputs[k] = out;
    }
  }

  /** A value of the file with its expressions evaluated (strings, maps and lists alike). */
  private value(v: Raw, contexts: Record<string, unknown>, status: Parameters<typeof evaluate>[2]): unknown {
    if (v && typeof v === 'object' && 'expr' in v && typeof v.expr === 'string')
      return evaluate(v.expr, contexts, status);
    if (Array.isArray(v)) return v.map((x) => this.value(x, contexts, status));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, this.value(x as Raw, contexts, status)]),
      );
    return v;
  }

  private async runStep(
    jc: JobContext,
    step: Record<string, Raw>,
    index: number,
    contexts: { env: Record<string, string>; steps: Record<string, unknown> } & Record<string, unknown>,
    status: Parameters<typeof evaluate>[2],
    posts: Array<() => Promise<void>>,
  ): Promise<StepRecord> {
    const id = typeof step.id === 'string' ? step.id : `step-${index}`;
    const name = typeof step.name === 'string' ? step.name : text(step.uses ?? step.run).split('\n')[0];
    const rec: StepRecord = { job: jc.id, id, name, outcome: 'skipped', outputs: {}, log: '' };
    const cond = step.if === null || step.if === undefined ? 'success()' : exprOf(step.if);
    if (!truthy(evaluate(STATUS.test(cond) ? cond : `success() && (${cond})`, contexts, status))) {
      contexts.steps[id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
      return rec;
    }
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries((step.env ?? {}) as Record<string, Raw>))
      stepEnv[k] = text(this.value(v, contexts, status));
    try {
      if (typeof step.run === 'string' || (step.run && typeof step.run === 'object')) {
        const script = text(this.value(step.run, contexts, status));
        Object.assign(rec, await this.runScript(jc, script, stepEnv));
      } else {
        const uses = text(step.uses);
        const withs: Record<string, string> = {};
        for (const [k, v] of Object.entries((step.with ?? {}) as Record<string, Raw>))
          withs[k] = text(this.value(v, contexts, status));
        this.checkReads(jc, step, contexts);
        if (uses.startsWith('./'))
          Object.assign(rec, await this.runLocalAction(jc, uses, withs, stepEnv, posts));
        else {
          const effect = this.o.effects[uses.replace(/@.*$/, '')];
          if (!effect) throw new Error(`no stand-in for ${uses}`);
          rec.outputs = await effect(jc, withs);
          rec.outcome = 'success';
        }
      }
    } catch (e) {
      rec.outcome = 'failure';
      rec.log += `${(e as Error).message}\n`;
    }
    this.o.log?.(`  ${jc.id} / ${name}: ${rec.outcome}`);
    contexts.steps[id] = { outcome: rec.outcome, conclusion: rec.outcome, outputs: rec.outputs };
    return rec;
  }

  /** `steps.X.outputs.Y` read by a step: X must have run before and set Y (else the value is silently ''). */
  private checkReads(
    jc: JobContext,
    step: Record<string, Raw>,
    contexts: { steps: Record<string, unknown> },
  ) {
    const exprs = JSON.stringify([step.with, step.env, step.run]).matchAll(
      /steps\.([\w-]+)\.outputs\.([\w-]+)/g,
    );
    for (const [, s, o] of exprs) {
      const ran = contexts.steps[s] as { outcome: string; outputs: Record<string, string> } | undefined;
      if (ran?.outcome === 'success' && !(o in ran.outputs))
        jc.problem(`${text(step.uses)} reads steps.${s}.outputs.${o}, which step ${s} never set`);
    }
  }

  private files(jc: JobContext) {
    const dir = fs.mkdtempSync(path.join(jc.temp, 'step-'));
    const f = {
      output: path.join(dir, 'output'),
      env: path.join(dir, 'env'),
      summary: path.join(dir, 'summary.md'),
      state: path.join(dir, 'state'),
    };
    for (const p of Object.values(f)) fs.writeFileSync(p, '');
    return f;
  }

  /** The environment every process of the job sees. */
  private processEnv(jc: JobContext, f: ReturnType<WorkflowPlayer['files']>, extra: Record<string, string>) {
    const env: Record<string, string> = {
      ...this.o.env,
      PATH: this.o.runnerPath,
      HOME: process.env.HOME ?? '/root',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: jc.workspace,
      RUNNER_TEMP: jc.temp,
      GITHUB_OUTPUT: f.output,
      GITHUB_ENV: f.env,
      GITHUB_STEP_SUMMARY: f.summary,
      GITHUB_STATE: f.state,
      GITHUB_JOB: jc.id,
      ...githubEnv(this.o.github),
      ...jc.env,
      ...extra,
    };
    if (jc.permissions['id-token'] === 'write') {
      const { url, token } = this.o.oidc(jc);
      env.ACTIONS_ID_TOKEN_REQUEST_URL = url;
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = token;
    }
    return env;
  }

  private async runScript(jc: JobContext, script: string, stepEnv: Record<string, string>) {
    const f = this.files(jc);
    const file = path.join(path.dirname(f.output), 'script.sh');
    fs.writeFileSync(file, script);
    const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd: jc.workspace,
      env: this.processEnv(jc, f, stepEnv),
    });
    return this.collect(jc, f, r);
  }

  /** What a step left: outputs, env for later steps, summary; a missing tool is a problem of the play. */
  private collect(
    jc: JobContext,
    f: ReturnType<WorkflowPlayer['files']>,
    r: { code: number | null; log: string },
  ) {
    for (const m of r.log.matchAll(/(?:^|: )([\w.-]+): (?:command )?not found$/gm))
      jc.problem(`needs ${m[1]}, which the job's runner does not have and no step installed`);
    for (const [k, v] of Object.entries(parseFileCommands(fs.readFileSync(f.env, 'utf8')))) jc.env[k] = v;
    jc.record.summary += fs.readFileSync(f.summary, 'utf8');
    return {
      outcome: (r.code === 0 ? 'success' : 'failure') as Result,
      outputs: parseFileCommands(fs.readFileSync(f.output, 'utf8')),
      log: r.log,
    };
  }

  private async runLocalAction(
    jc: JobContext,
    uses: string,
    withs: Record<string, string>,
    stepEnv: Record<string, string>,
    posts: Array<() => Promise<void>>,
  ) {
    const dir = path.join(jc.workspace, uses);
    const file = ['action.yml', 'action.yaml'].map((x) => path.join(dir, x)).find((x) => fs.existsSync(x));
    if (!file) throw new Error(`${uses}: no action.yml in the workspace (was it checked out?)`);
    const action = parseYaml(fs.readFileSync(file, 'utf8')) as {
      inputs?: Record<string, { default?: string; required?: boolean }>;
      runs: { using: string; main: string; post?: string };
    };
    if (action.runs.using !== 'node24') throw new Error(`${uses}: runs.using is ${action.runs.using}`);
    for (const k of Object.keys(withs))
      if (!action.inputs || !(k in action.inputs)) jc.problem(`${uses} has no input ${k}`);
    const inputEnv: Record<string, string> = {};
    for (const [k, d] of Object.entries(action.inputs ?? {})) {
      let v = withs[k];
      if (v === undefined && d.default !== undefined)
        v = interpolate(String(d.default), { github: this.o.github });
      if (v !== undefined) inputEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    }
    const node = process.execPath;
    const f = this.files(jc);
    const env = this.processEnv(jc, f, { ...stepEnv, ...inputEnv });
    const r = await run(node, [path.join(dir, action.runs.main)], { cwd: jc.workspace, env });
    const res = this.collect(jc, f, r);
    if (action.runs.post) {
      const state = parseFileCommands(fs.readFileSync(f.state, 'utf8'));
      posts.push(async () => {
        const pf = this.files(jc);
        const penv = this.processEnv(jc, pf, { ...stepEnv, ...inputEnv });
        for (const [k, v] of Object.entries(state)) penv[`STATE_${k}`] = v;
        const p = await run(node, [path.join(dir, action.runs.post!)], { cwd: jc.workspace, env: penv });
        const post = this.collect(jc, pf, p);
        jc.record.steps.push({ job: jc.id, id: `post ${uses}`, name: `Post ${uses}`, ...post });
        if (post.outcome === 'failure') jc.problem(`the post step of ${uses} failed:\n${p.log.slice(-2000)}`);
      });
    }
    return res;
  }
}

/** `${{ expr }}` inside a string (an action.yml default), evaluated. */
function interpolate(s: string, contexts: Record<string, unknown>): string {
  return s.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) =>
    text(evaluate(e.trim(), contexts, { success: true, failure: false, cancelled: false })),
  );
}

/** The workflow's `on.workflow_call` (inputs, outputs), or nothing when it cannot be called. */
function workflowCall(raw: Record<string, Raw>): Record<string, Raw> {
  const on = raw.on;
  const call =
    on && typeof on === 'object' && !Array.isArray(on) ? (on as Record<string, Raw>).workflow_call : null;
  return call && typeof call === 'object' && !Array.isArray(call) ? (call as Record<string, Raw>) : {};
}

/** A job's result from its parts (matrix instances, a called workflow's jobs), as GitHub sums them. */
function overall(parts: Iterable<JobRecord>): Result {
  const all = [...parts].map((r) => r.result);
  return all.includes('failure') ? 'failure' : all.includes('cancelled') ? 'cancelled' : 'success';
}

/**
 * The combinations of an evaluated `strategy.matrix`, as GitHub makes them: the product of its
 * dimensions less what `exclude` matches; then each `include` entry is added to every combination
 * whose original values it does not change, or, matching none, is a combination of its own.
 */
export function expandMatrix(m: unknown): Array<Record<string, unknown>> {
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw new Error('strategy.matrix must be a mapping');
  const { include = [], exclude = [], ...dims } = m as Record<string, unknown>;
  for (const [k, v] of Object.entries({ include, exclude, ...dims }))
    if (!Array.isArray(v)) throw new Error(`strategy.matrix.${k} must be a list, not ${JSON.stringify(v)}`);
  const matches = (c: Record<string, unknown>, e: Record<string, unknown>) =>
    Object.entries(e).every(([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v));
  let combos: Array<Record<string, unknown>> = Object.keys(dims).length ? [{}] : [];
  for (const [k, values] of Object.entries(dims))
    combos = combos.flatMap((c) => (values as unknown[]).map((v) => ({ ...c, [k]: v })));
  combos = combos.filter((c) => !(exclude as Array<Record<string, unknown>>).some((e) => matches(c, e)));
  const originals = combos.map((c) => ({ ...c }));
  const extra: Array<Record<string, unknown>> = [];
  for (const inc of include as Array<Record<string, unknown>>) {
    let added = false;
    combos.forEach((c, i) => {
      const changes = Object.entries(inc).some(
        ([k, v]) => k in originals[i] && JSON.stringify(originals[i][k]) !== JSON.stringify(v),
      );
      if (changes) return;
      Object.assign(c, inc);
      added = true;
    });
    if (!added) extra.push({ ...inc });
  }
  return [...combos, ...extra];
}

function exprOf(v: Raw): string {
  if (v && typeof v === 'object' && 'expr' in v) return String(v.expr);
  if (typeof v === 'string') return v.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1').trim();
  return text(v);
}

function topological(jobs: Record<string, Record<string, Raw>>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string, chain: string[]) => {
    if (seen.has(id)) return;
    if (chain.includes(id)) throw new Error(`jobs need each other: ${[...chain, id].join(' → ')}`);
    const needs = jobs[id].needs;
    for (const n of (Array.isArray(needs) ? needs : needs ? [needs] : []) as string[]) {
      if (!jobs[n]) throw new Error(`job ${id} needs ${n}, which does not exist`);
      visit(n, [...chain, id]);
    }
    seen.add(id);
    out.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return out;
}

/** GITHUB_* variables from the github context. */
function githubEnv(g: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(g))
    if (typeof v === 'string' || typeof v === 'number') out[`GITHUB_${k.toUpperCase()}`] = String(v);
  return out;
}

function run(cmd: string, args: string[], o: { cwd: string; env: Record<string, string> }) {
  return new Promise<{ code: number | null; log: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.on('error', (e) => resolve({ code: 127, log: `${log}${e.message}\n` }));
    child.on('close', (code) => resolve({ code, log }));
  });
}
