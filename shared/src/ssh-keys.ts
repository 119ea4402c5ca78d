/** SSH key handling that does not need ssh2 loaded (input validation at start-up). */
import { createHash, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import { InputError } from './errors.js';

export function loadPrivateKey(value: string): string {
  if (!value)
    throw new InputError(
      'ssh-key',
      'is required for an ssh:// target.',
      'pass the private key (e.g. from a secret) or its path.',
    );
  if (value.includes('PRIVATE KEY-----')) return checkPrivateKey(value.endsWith('\n') ? value : `${value}\n`);
  let text: string;
  try {
    text = fs.readFileSync(value, 'utf8');
  } catch {
    throw new InputError(
      'ssh-key',
      'is neither a private key nor a readable key file.',
      'pass the PEM/OpenSSH private key text or a path to it.',
    );
  }
  return checkPrivateKey(text);
}

/** A private key ssh can use: PEM or OpenSSH, not a public key or other text. Checked before any side effect. */
function checkPrivateKey(key: string): string {
  const pem =
    /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+-----END \1-----/.exec(key);
  if (!pem)
    throw new InputError(
      'ssh-key',
      'is not a private key (no "-----BEGIN ... PRIVATE KEY-----" block).',
      'pass the private key text (e.g. from a secret) or the path of the private key file, not the .pub file.',
    );
  // The body too: a key whose envelope is right and whose body is not fails now, naming the input,
  // not at the first ssh connection. OpenSSH keys start with their magic; PEM keys are parsed.
  const kind = pem[1];
  const body = pem[0].replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
  const bytes = /^[A-Za-z0-9+/]+=*$/.test(body) ? Buffer.from(body, 'base64') : Buffer.alloc(0);
  const bad = () =>
    new InputError(
      'ssh-key',
      `has a "${kind}" block whose body is not a key.`,
      'pass the whole private key file as it was written (ssh-keygen), unchanged.',
    );
  const locked = () =>
    new InputError(
      'ssh-key',
      'is protected by a passphrase, and the key is used without one.',
      'give a key without a passphrase, kept in a secret (e.g. ssh-keygen -N "" for a test-only key).',
    );
  if (kind === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem[0])) throw locked();
  if (kind === 'OPENSSH PRIVATE KEY') {
    if (!bytes.subarray(0, 15).equals(Buffer.from('openssh-key-v1\0'))) throw bad();
    const cipherLength = bytes.length >= 19 ? bytes.readUInt32BE(15) : 0;
    const cipher = bytes.subarray(19, 19 + cipherLength).toString('latin1');
    if (!cipher) throw bad();
    if (cipher !== 'none') throw locked();
  } else {
    try {
      createPrivateKey(pem[0]);
    } catch {
      throw bad();
    }
  }
  return key;
}

/** Host key check: OpenSSH SHA256 fingerprints, taken from `SHA256:...` entries or known_hosts key blobs. */
export function hostKeyMatches(knownHosts: string, key: Buffer): boolean {
  const fp = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
  for (const line of knownHosts.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    if (t.startsWith('SHA256:') && t === fp) return true;
    const parts = t.split(/\s+/);
    const blob = parts.find((p) => /^AAAA[0-9A-Za-z+/=]+$/.test(p));
    if (blob && Buffer.from(blob, 'base64').equals(key)) return true;
  }
  return false;
}
