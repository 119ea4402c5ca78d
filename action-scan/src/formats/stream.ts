/** Reading result files as streams (optionally gzip-compressed), so size never dictates memory. */
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';

/** The first `n` bytes of a file, decompressed when it is gzip. */
export async function readHead(file: string, n = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = openStream(file);
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      chunks.push(b);
      size += b.length;
      if (size >= n) break;
    }
  } catch {
    // a truncated gzip still gives us its head; parse errors surface later with context
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n).toString('utf8');
}

export function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    fs.readSync(fd, b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export function openStream(file: string): NodeJS.ReadableStream & { destroy(): void } {
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  if (!isGzip(file)) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
