/**
 * `ami-bakery <stage> [--<input> <value> ...]`: the same stage code as the actions, outside GitHub.
 * Each flag is the action input of the same name (defaults come from the stage's action.yml);
 * outputs are printed as `name=value` lines at the end (and appended to $GITHUB_OUTPUT when set);
 * annotations are printed readably. Exit 0 success, 1 a gate failed (or the run failed), 2 bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { runStage, type Stage } from '../../shared/src/action.js';
import { exitCodeOf, InputError, messageOf, resultOf } from '../../shared/src/errors.js';
import { CliIo, neutraliseCommands } from '../../shared/src/io.js';
import { VERSION } from '../../shared/src/version.js';
import { runDiff } from './diff-command.js';
import { FLEET_FLAGS, runFleet } from './fleet-command.js';
import {
  type ActionInput,
  type ActionOutput,
  didYouMean,
  inFlagSyntax,
  mainHelp,
  stageHelp,
} from './help.js';

/** The repository root: two levels up from cli/src (sources) and from cli/dist (the bundle). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The stage table: each stage's action directory. Its action.yml declares the inputs; its entry
 * exports the stage. The CLI bundle runs each action's own committed bundle (action-<stage>/dist),
 * the code the runner runs, and does not carry a second copy of it; run from its sources (through
 * tsx, as the tests do) the CLI runs the stages' sources.
 */
const STAGES: Record<string, { dir: string }> = {
  bake: { dir: 'action-bake' },
  verify: { dir: 'action-verify' },
  scan: { dir: 'action-scan' },
  promote: { dir: 'action-promote' },
};

const FROM_SOURCES = import.meta.url.endsWith('.ts');

async function loadStage(dir: string): Promise<Stage> {
  const entry = path.join(ROOT, dir, FROM_SOURCES ? 'src/main.ts' : 'dist/index.js');
  const mod = (await import(/* webpackIgnore: true */ pathToFileURL(entry).href)) as { stage?: Stage };
  if (!mod.stage)
    throw new Error(`${path.relative(ROOT, entry)} does not export its stage: rebuild it (npm run build).`);
  return mod.stage;
}

function readAction(stageDir: string): {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, ActionOutput>;
} {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, stageDir, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, ActionInput>;
    outputs?: Record<string, ActionOutput>;
  };
  return { inputs: doc.inputs ?? {}, outputs: doc.outputs ?? {} };
}

export function readActionInputs(stageDir: string): Record<string, ActionInput> {
  return readAction(stageDir).inputs;
}

/**
 * The files a stage writes by default: in an action they land in the job's workspace (a fresh
 * checkout); from the CLI they would land in the user's clone, so the CLI puts them in
 * $RUNNER_TEMP/ami-bakery when set, else in ./ami-bakery-output (git-ignored). A flag still wins.
 */
const OUTPUT_FILES: Record<string, string[]> = {
  bake: ['cis-manifest-file'],
  scan: ['report-file', 'sarif-file', 'sbom-file'],
};

export function outputDir(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP ? path.join(env.RUNNER_TEMP, 'ami-bakery') : 'ami-bakery-output';
}

/** Defaults as the runner would apply them; `${{ github.token }}` becomes $GITHUB_TOKEN, other expressions ''. */
export function defaultsFor(
  inputs: Record<string, ActionInput>,
  env: NodeJS.ProcessEnv,
  stage?: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const d = spec.default === undefined ? '' : String(spec.default);
    if (d.includes('${{')) out[name] = /github\.token/.test(d) ? (env.GITHUB_TOKEN ?? '') : '';
    else if (d && stage && OUTPUT_FILES[stage]?.includes(name)) out[name] = path.join(outputDir(env), d);
    else out[name] = d;
  }
  return out;
}

/** `--name value`, `--name=value`; each flag once (a list goes in one value, comma- or newline-separated). */
export function parseFlags(argv: string[], known: Record<string, ActionInput>): Record<string, string> {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new InputError(a, 'is not a flag.', 'flags look like --name value.');
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (!(name in known)) {
      const near = didYouMean(name, Object.keys(known));
      throw new InputError(
        name,
        'is not an input of this stage.',
        near.length
          ? `did you mean ${near.map((k) => `--${k}`).join(' or ')}?`
          : `use one of: ${Object.keys(known)
              .map((k) => `--${k}`)
              .join(' ')}`,
      );
    }
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || /^--[a-z][a-z0-9-]*(=|$)/.test(value)) {
        throw new InputError(name, 'has no value.', `give one: --${name} <value>`);
      }
      i++;
    }
    if (given[name] !== undefined)
      throw new InputError(
        name,
        'is given twice.',
        `give it once; for a list, one value with commas or newlines (--${name} "a,b").`,
      );
    given[name] = value;
  }
  return given;
}

/** An error as the CLI shows it: its fix written in flags (`--template x`), not in YAML (`template: x`). */
export function cliMessage(e: unknown, known: Record<string, ActionInput>): string {
  // the stage runs from its own bundle, with its own InputError class: known by its shape
  const ie = e as Partial<InputError>;
  if (!(e instanceof Error) || e.name !== 'InputError' || typeof ie.problem !== 'string') return messageOf(e);
  const fix = ie.fix ? ` Fix: ${inFlagSyntax(ie.fix, Object.keys(known))}` : '';
  return `Input "${ie.input}": ${ie.problem}${fix}`;
}

/** The default a stage's help shows: what the CLI uses, never a secret's value. */
function shownDefault(spec: ActionInput): string | undefined {
  const d = spec.default === undefined ? '' : String(spec.default);
  if (!d.includes('${{')) return undefined;
  return /github\.token/.test(d) ? '$GITHUB_TOKEN' : '';
}

/** `ami-bakery fleet`: the matrix of images.yml for a caller workflow (cli/src/fleet-command.ts). */
async function fleet(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `${stageHelp('fleet', FLEET_FLAGS, FLEET_OUTPUTS, { images: 'images.yml', schedule: '' }, () => undefined)}\n`,
    );
    return 0;
  }
  return command(() => runFleet(parseFlags(argv, FLEET_FLAGS), env, ROOT), FLEET_FLAGS);
}

/** A command that is not a stage (fleet, diff): its refusal printed as the CLI prints one, one line per line of text. */
async function command(
  run: () => number | Promise<number>,
  flags: Record<string, ActionInput>,
): Promise<number> {
  try {
    return await run();
  } catch (e) {
    process.stderr.write(`error: ${neutraliseCommands(cliMessage(e, flags))}\n`);
    return exitCodeOf(e);
  }
}

const FLEET_OUTPUTS: Record<string, ActionOutput> = {
  matrix: {
    description:
      "JSON list, one entry per family and architecture, each with every golden-ami.yml input: a matrix's include.",
  },
  count: { description: 'How many entries (0: nothing on this schedule).' },
};

function unknownStage(name: string): string {
  const near = didYouMean(name, [...Object.keys(STAGES), 'fleet', 'diff']);
  return `error: unknown stage "${name}"${near.length ? `; did you mean ${near.join(' or ')}?` : ''}\n`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [stageName, ...rest] = argv;
  if (stageName === '--version' || stageName === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!stageName || stageName === '--help' || stageName === '-h') {
    (stageName ? process.stdout : process.stderr).write(`${mainHelp(VERSION)}\n`);
    return stageName ? 0 : 2;
  }
  if (stageName === 'fleet') return fleet(rest, env);
  if (stageName === 'diff') return command(() => runDiff(rest, env), {});
  const stage = STAGES[stageName];
  if (!stage) {
    process.stderr.write(`${unknownStage(stageName)}Run ami-bakery --help for the stages.\n`);
    return 2;
  }
  const { inputs: spec, outputs } = readAction(stage.dir);
  if (rest.includes('--help') || rest.includes('-h')) {
    const defaults = defaultsFor(spec, env, stageName);
    process.stdout.write(`${stageHelp(stageName, spec, outputs, defaults, (n) => shownDefault(spec[n]))}\n`);
    return 0;
  }
  let io: CliIo;
  try {
    io = new CliIo({ inputs: { ...defaultsFor(spec, env, stageName), ...parseFlags(rest, spec) }, env });
  } catch (e) {
    process.stderr.write(`error: ${cliMessage(e, spec)}\n`);
    return exitCodeOf(e);
  }
  let code = 0;
  try {
    const { run } = await loadStage(stage.dir);
    const outcome = await runStage(run, io, { again: (m) => process.stderr.write(`${m}\n`) });
    io.setOutput('result', outcome.ok ? 'success' : resultOf(outcome.error));
    if (!outcome.ok) {
      code = exitCodeOf(outcome.error);
      process.stderr.write(`error: ${cliMessage(outcome.error, spec)}\n`);
    }
  } catch (e) {
    // the stage's code could not be loaded
    code = exitCodeOf(e);
    io.setOutput('result', 'error');
    process.stderr.write(`error: ${messageOf(e)}\n`);
  }
  for (const line of io.outputLines()) process.stdout.write(`${line}\n`);
  return code;
}
