/**
 * SSH host keys from EC2 itself (issue 24): cloud-init prints an instance's host public keys to its
 * console at first boot, between `-----BEGIN SSH HOST KEY KEYS-----` and `-----END SSH HOST KEY
 * KEYS-----`; GetConsoleOutput returns that text. The console is foreign text: a key is kept only if
 * its base64 is an SSH public key blob of the type it claims. Pure.
 */

const TYPES =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/** The blob's own type name (SSH wire format: a uint32 length, then the name). */
function blobType(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const buf = Buffer.from(b64, 'base64');
  if (buf.length < 4) return undefined;
  const n = buf.readUInt32BE(0);
  return n > 0 && n < 64 && buf.length >= 4 + n ? buf.subarray(4, 4 + n).toString('latin1') : undefined;
}

/** The host public keys (`type base64`) of a console output; [] when cloud-init printed none. */
export function consoleHostKeys(console: string): string[] {
  const keys: string[] = [];
  const blocks = console.matchAll(
    /-----BEGIN SSH HOST KEY KEYS-----\r?\n([\s\S]*?)-----END SSH HOST KEY KEYS-----/g,
  );
  for (const [, body] of blocks)
    for (const line of body.split(/\r?\n/)) {
      const [type, b64] = line.trim().split(/\s+/);
      if (type && b64 && TYPES.test(type) && blobType(b64) === type) keys.push(`${type} ${b64}`);
    }
  return [...new Set(keys)];
}

/** known_hosts lines for a host (`host type base64`), one per key. */
export const knownHostsLines = (host: string, keys: readonly string[]): string =>
  keys.map((k) => `${host} ${k}`).join('\n');
