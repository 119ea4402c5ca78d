/**
 * The files a stage writes (SARIF, reports, manifests, waiver files): checked before anything runs,
 * and written without following links. A pull request can commit `ami-bakery-scan.sarif -> /etc/x`
 * or `out -> /home/runner`; an output is never written through such a link.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from './errors.js';
import { insideRoot, realpath } from './workspace.js';

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * An output path `input` names: not a directory, not a symbolic link, in a directory this step may
 * write; when it lies inside the repository (`root`), no folder on the way is a link that leaves it.
 * Relative paths are from `cwd`. Throws InputError naming the input.
 */
export function checkOutputFile(
  input: string,
  file: string,
  root: string,
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): void {
  const abs = path.resolve(cwd, file);
  // what Linux takes: 255 bytes a name, 4,095 a path
  if (Buffer.byteLength(abs) > 4095 || abs.split('/').some((part) => Buffer.byteLength(part) > 255))
    throw new InputError(
      input,
      `"${file}" is not a usable file name (too long).`,
      'give a shorter path, e.g. out/report.json.',
    );
  const st = lstat(abs);
  if (st?.isSymbolicLink())
    throw new InputError(
      input,
      `"${file}" is a symbolic link (to ${fs.readlinkSync(abs)}): an output is never written through a link.`,
      'remove the link from the repository, or give another path.',
    );
  if (st?.isDirectory())
    throw new InputError(input, `"${file}" is a directory.`, 'give a file path, e.g. out/report.json.');
  let dir = path.dirname(abs);
  while (!lstat(dir)) dir = path.dirname(dir);
  // Outputs land in the repository, the runner's temp folder or the system's: never elsewhere (a
  // step runs as root on many runners; "../../../../etc/passwd" was once accepted as a report path).
  const allowed = [root, env.RUNNER_TEMP, os.tmpdir()].filter((d): d is string => Boolean(d));
  if (!allowed.some((d) => insideRoot(realpath(d), dir) !== undefined))
    throw new InputError(
      input,
      `"${file.slice(0, 200)}" is outside the repository and the temporary folders.`,
      'write outputs inside the repository (GITHUB_WORKSPACE) or under RUNNER_TEMP.',
    );
  const lexicallyInside =
    !path.relative(root, abs).startsWith('..') && !path.isAbsolute(path.relative(root, abs));
  if (lexicallyInside && insideRoot(root, dir) === undefined)
    throw new InputError(
      input,
      `"${file}" would be written through ${path.relative(root, dir) || '.'}, a link that leaves the repository (to ${fs.realpathSync(dir)}).`,
      'remove the link from the repository, or give another path.',
    );
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    fs.accessSync(st ? abs : dir, fs.constants.W_OK);
  } catch {
    throw new InputError(
      input,
      `"${file}" cannot be written (${path.relative(cwd, dir) || dir} is not a writable directory).`,
      'choose a path in a writable directory.',
    );
  }
}

/**
 * Write an output file (its folders made as needed) without following a link at its path: one
 * planted after the check makes the write fail (ELOOP) instead of landing elsewhere.
 */
export function writeOutputFile(file: string, data: string | Buffer, mode = 0o644): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
    mode,
  );
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copy `src` to the output path `dest` the same way: a link at `dest` is never followed. */
export function copyOutputFile(src: string, dest: string): void {
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  if (lstat(dest)?.isFile()) fs.unlinkSync(dest);
  // COPYFILE_EXCL opens with O_EXCL: an existing name, a link included, fails instead of being followed
  fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL);
}
