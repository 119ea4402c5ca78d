/**
 * Imported first by every action's main.ts. The actions are bundled by ncc as ES modules, where
 * CommonJS globals do not exist; some bundled CommonJS code (ssh2's emscripten poly1305) reads
 * `__dirname`. A free identifier falls back to globalThis, so defining it there is enough.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const g = globalThis as { __dirname?: string; __filename?: string };
g.__filename ??= fileURLToPath(import.meta.url);
g.__dirname ??= path.dirname(g.__filename);
