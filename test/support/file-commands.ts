/** The runner's file commands, read back: what a step wrote to GITHUB_OUTPUT, GITHUB_ENV or GITHUB_STATE. */

/** `name=value` and `name<<DELIM … DELIM` lines of GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE. */
export function parseFileCommands(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = s.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      out[heredoc[1]] = body.join('\n');
    } else if (l.includes('=')) out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return out;
}
