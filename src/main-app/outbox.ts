import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { parseSubmitOrderBody, type SubmitOrderBody } from './submit-order-body.js';

/**
 * Orders the app has not acknowledged yet, one JSON file per idempotency key under `dir`.
 * A write is durable before `put` resolves: temp file, fsync, rename, fsync of the directory.
 * Unreadable files are moved to `corrupt/`, orders the app refused later to `refused/`: kept for a human, never retried.
 */
export interface OutboxEntry {
  key: string;
  body: SubmitOrderBody;
  queuedAt: string;
}

const fileSchema = z.object({ version: z.literal(1), key: z.string().min(1), queuedAt: z.string(), body: z.unknown() });
const SUFFIX = '.order.json';

export class Outbox {
  private readonly log: Logger;

  constructor(
    readonly dir: string,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbox' });
  }

  /** Creates the directory and removes temp files left by a crash mid-write (their orders were never acknowledged to anyone). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.endsWith('.tmp')) await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  async put(body: SubmitOrderBody, queuedAt: Date): Promise<void> {
    const entry = { version: 1, key: body.idempotencyKey, queuedAt: queuedAt.toISOString(), body };
    await writeFileDurably(this.dir, fileName(body.idempotencyKey), JSON.stringify(entry));
  }

  async remove(key: string): Promise<void> {
    await unlink(join(this.dir, fileName(key))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await fsyncDir(this.dir);
  }

  /** Moves an order the app refused out of the queue, recording why. */
  async markRefused(key: string, reason: string): Promise<void> {
    const source = join(this.dir, fileName(key));
    const raw = await readFile(source, 'utf8').catch(() => '{}');
    const refusedDir = join(this.dir, 'refused');
    await mkdir(refusedDir, { recursive: true });
    const record = { ...(parseJsonObject(raw) ?? {}), refusedReason: reason };
    await writeFileDurably(refusedDir, fileName(key), JSON.stringify(record));
    await this.remove(key);
  }

  /** Every pending order on disk, oldest first. */
  async list(): Promise<OutboxEntry[]> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(SUFFIX));
    const entries: OutboxEntry[] = [];
    for (const name of names) {
      const entry = await this.readEntry(name);
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  private async readEntry(name: string): Promise<OutboxEntry | undefined> {
    const raw = await readFile(join(this.dir, name), 'utf8').catch(() => undefined);
    if (raw === undefined) return undefined;
    const file = fileSchema.safeParse(parseJsonObject(raw));
    const body = file.success ? parseSubmitOrderBody(file.data.body) : undefined;
    if (file.success && body?.ok && body.body.idempotencyKey === file.data.key && name === fileName(file.data.key)) {
      return { key: file.data.key, body: body.body, queuedAt: file.data.queuedAt };
    }
    const why = !file.success ? 'not an outbox file' : body && !body.ok ? body.error : 'key does not match';
    this.log.error({ file: name }, `outbox file unreadable (${why}); moved to corrupt/`);
    await mkdir(join(this.dir, 'corrupt'), { recursive: true });
    await rename(join(this.dir, name), join(this.dir, 'corrupt', name)).catch(() => undefined);
    return undefined;
  }
}

function fileName(key: string): string {
  return `${encodeURIComponent(key).replace(/\./g, '%2E')}${SUFFIX}`;
}

async function writeFileDurably(dir: string, name: string, contents: string): Promise<void> {
  const tmp = join(dir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
