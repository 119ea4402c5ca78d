/** The action host's log: foreign text never becomes a workflow command (issue 22: 17). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionsIo, neutraliseCommands } from '../../shared/src/io.js';

describe('actionsIo log lines', () => {
  afterEach(() => vi.restoreAllMocks());
  it('a message holding "\\n::error …::" or "::add-mask::" prints no line the runner reads as a command', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const io = actionsIo({});
    io.info('AMI golden-x\n::error file=a.sh,line=1::forged\n  ::add-mask::secret\r\n::set-output name=x::y');
    const lines = written.join('').split(/\r?\n/);
    expect(lines.filter((l) => /^\s*::/.test(l))).toEqual([]);
    expect(lines.join('\n')).toContain('forged');
  });
  it('text without command lines is unchanged', () => {
    expect(neutraliseCommands('a :: b\nc::d')).toBe('a :: b\nc::d');
  });
});
