/**
 * The boundary between a stage and the world it reports to. A stage's `run(io)` only talks to
 * this interface, so the same code runs as a GitHub Action (`actionsIo`, backed by @actions/core)
 * and as the `ami-bakery` CLI (`CliIo`, readable output, `name=value` outputs at the end).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as core from '@actions/core';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
}

export interface Io {
  /** The input's value, trimmed; '' when not given. Defaults come from action.yml. */
  getInput(name: string): string;
  setOutput(name: string, value: string | number | boolean): void;
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** For streamed logs whose sections are only known as lines arrive (groups do not nest). */
  startGroup(name: string): void;
  endGroup(): void;
  /** A workflow-command annotation (the fallback when the Checks API cannot be used). */
  annotate(a: Annotation): void;
  /** How many annotations of one level the reader will see (GitHub: 10 per step); undefined = all. */
  readonly annotationCap?: number;
  /** Annotations of each level this step has emitted so far (warnings included), against that cap. */
  annotationsUsed?(): Record<AnnotationLevel, number>;
  appendSummary(markdown: string): Promise<void>;
  setSecret(secret: string): void;
  /** Whether a post step runs after this one (an action with `post:`): cleanup can be left to it. */
  readonly postStep?: boolean;
  /** Values persisted for the action's post step (`core.saveState`). */
  saveState(name: string, value: string): void;
  getState(name: string): string;
  env: NodeJS.ProcessEnv;
}

/**
 * A log line the runner will not read as a workflow command: foreign text (a finding's title, a
 * tool's output, a tag) that holds a line starting with `::` (`\n::error file=…::forged`) would
 * otherwise forge annotations, masks or outputs. Such lines get a zero-width space between the two
 * colons; the text reads the same.
 */
export function neutraliseCommands(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, '$1:\u200b');
}

export function actionsIo(env: NodeJS.ProcessEnv = process.env, opts: { postStep?: boolean } = {}): Io {
  // Every core.warning/error/notice is an annotation and counts against GitHub's cap of 10 per level.
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, String(value)),
    // warning/error/notice/group/setFailed escape their data (%, CR, LF) in @actions/core; info does not
    info: (m) => core.info(neutraliseCommands(m)),
    warning: (m) => {
      used.warning++;
      core.warning(m);
    },
    annotationsUsed: () => ({ ...used }),
    postStep: opts.postStep === true,
    debug: (m) => core.debug(neutraliseCommands(m)),
    group: (name, fn) => core.group(name, fn),
    startGroup: (name) => core.startGroup(name),
    endGroup: () => core.endGroup(),
    annotationCap: 10,
    annotate: (a) => {
      used[a.level]++;
      const props: core.AnnotationProperties = { title: a.title, file: a.file, startLine: a.line };
      if (a.level === 'error') core.error(a.message, props);
      else if (a.level === 'warning') core.warning(a.message, props);
      else core.notice(a.message, props);
    },
    appendSummary: async (md) => {
      if (!env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(md, true).write();
    },
    setSecret: (s) => core.setSecret(s),
    saveState: (n, v) => core.saveState(n, v),
    getState: (n) => core.getState(n),
    env,
  };
}

/** Writes a GitHub output/state file entry, heredoc-style so multi-line values survive. */
export function appendKeyValueFile(file: string, name: string, value: string): void {
  const delimiter = `ami_bakery_${Math.random().toString(36).slice(2)}`;
  fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`);
}

export interface CliIoOptions {
  inputs: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** The CLI's Io: plain readable logs on stderr/stdout, outputs collected and printed at the end. */
export class CliIo implements Io {
  readonly outputs: Array<[string, string]> = [];
  readonly annotations: Annotation[] = [];
  readonly env: NodeJS.ProcessEnv;
  private readonly secrets: string[] = [];
  private readonly state = new Map<string, string>();
  private readonly out: (line: string) => void;
  private readonly err: (line: string) => void;
  private summary = '';

  constructor(private readonly opts: CliIoOptions) {
    this.env = opts.env ?? process.env;
    this.out = opts.out ?? ((l) => process.stdout.write(`${l}\n`));
    this.err = opts.err ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /** Secrets masked; and, since the CLI may run in a job whose runner reads its output, no command lines. */
  private mask(text: string): string {
    let t = text;
    for (const s of this.secrets) t = t.split(s).join('***');
    return neutraliseCommands(t);
  }

  getInput(name: string): string {
    return (this.opts.inputs[name] ?? '').trim();
  }
  setOutput(name: string, value: string | number | boolean): void {
    const v = String(value);
    this.outputs.push([name, v]);
    if (this.env.GITHUB_OUTPUT) appendKeyValueFile(this.env.GITHUB_OUTPUT, name, v);
  }
  info(m: string): void {
    this.out(this.mask(m));
  }
  warning(m: string): void {
    this.err(this.mask(`warning: ${m}`));
  }
  debug(m: string): void {
    if (this.env.AMI_BAKERY_DEBUG || this.env.RUNNER_DEBUG === '1') this.err(this.mask(`debug: ${m}`));
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.out(`── ${name}`);
    return fn();
  }
  startGroup(name: string): void {
    this.out(`── ${name}`);
  }
  endGroup(): void {}
  annotate(a: Annotation): void {
    this.annotations.push(a);
    const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ''}: ` : '';
    this.err(
      this.mask(`${a.level}: ${where}${a.title ? `${a.title}: ` : ''}${a.message.replace(/\n/g, '\n    ')}`),
    );
  }
  async appendSummary(md: string): Promise<void> {
    this.summary += md;
    if (this.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(this.env.GITHUB_STEP_SUMMARY, md);
  }
  get summaryText(): string {
    return this.summary;
  }
  setSecret(s: string): void {
    if (s) this.secrets.push(s);
  }
  saveState(name: string, value: string): void {
    this.state.set(name, value);
  }
  getState(name: string): string {
    return this.state.get(name) ?? '';
  }
  /** The `name=value` lines printed at the end of a CLI run (multi-line values JSON-escaped; secrets masked). */
  outputLines(): string[] {
    return this.outputs.map(([n, v]) => this.mask(`${n}=${v.includes('\n') ? JSON.stringify(v) : v}`));
  }
}
