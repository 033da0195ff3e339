import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * What the app has not acknowledged yet (orders, call records, later SMS sends), one JSON file per entry under
 * `dir`, named by its idempotency key and kind: `<key>.<kind>.json`. A write is durable before `put` resolves:
 * temp file, fsync, rename, fsync of the directory. Unreadable files are moved to `corrupt/`, entries the app
 * refused to `refused/`: kept for a human, never retried, never overwritten.
 *
 * Several processes may share `dir` (an overlapping deployment on the same volume): temp files carry the
 * writer's pid and a random part, and start-up removes only temp files older than `staleTempMs` (a write takes
 * milliseconds, so an older one was abandoned by a crash); replaying the same entry twice is harmless because
 * the app deduplicates by idempotency key.
 */
export interface OutboxKind<B> {
  /** File suffix and log label, e.g. "order", "record". */
  readonly name: string;
  parse(body: unknown): { ok: true; body: B } | { ok: false; error: string };
  keyOf(body: B): string;
}

export interface OutboxEntry<B> {
  key: string;
  body: B;
  queuedAt: string;
}

export interface OutboxOptions {
  /** Temp files older than this are removed at start-up (default 5 minutes). */
  staleTempMs?: number;
  /** Wall clock for that age (defaults to the system's). */
  now?: () => number;
}

const fileSchema = z.object({ version: z.literal(1), key: z.string().min(1), queuedAt: z.string(), body: z.unknown() });
const DEFAULT_STALE_TEMP_MS = 5 * 60_000;

export class Outbox {
  private readonly log: Logger;
  private readonly staleTempMs: number;
  private readonly now: () => number;

  constructor(
    readonly dir: string,
    logger: Logger,
    options: OutboxOptions = {},
  ) {
    this.log = logger.child({ component: 'outbox' });
    this.staleTempMs = options.staleTempMs ?? DEFAULT_STALE_TEMP_MS;
    this.now = options.now ?? Date.now;
  }

  /** Creates the directory and removes temp files abandoned by a crash mid-write (never one another process is writing now). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && this.now() - info.mtimeMs > this.staleTempMs) await unlink(path).catch(() => undefined);
    }
  }

  async put<B>(kind: OutboxKind<B>, body: B, queuedAt: Date): Promise<void> {
    const key = kind.keyOf(body);
    await writeDurably(this.dir, fileName(kind, key), serialise(key, queuedAt.toISOString(), body), 'replace');
  }

  async remove<B>(kind: OutboxKind<B>, key: string): Promise<void> {
    await unlink(join(this.dir, fileName(kind, key))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await fsyncDir(this.dir);
  }

  /**
   * Moves an entry the app refused out of the queue into `refused/`, with the reason. The kept copy is created
   * exclusively: if one exists already (another process got the same refusal), it is kept as it is.
   */
  async setAside<B>(kind: OutboxKind<B>, entry: OutboxEntry<B>, reason: string): Promise<'kept' | 'already-kept'> {
    const refusedDir = join(this.dir, 'refused');
    await mkdir(refusedDir, { recursive: true });
    const record = { ...JSON.parse(serialise(entry.key, entry.queuedAt, entry.body)), refusedReason: reason, refusedAt: new Date(this.now()).toISOString() };
    const outcome = await writeDurably(refusedDir, fileName(kind, entry.key), JSON.stringify(record), 'exclusive');
    await this.remove(kind, entry.key);
    return outcome === 'written' ? 'kept' : 'already-kept';
  }

  /** Every pending entry of a kind on disk, oldest first. */
  async list<B>(kind: OutboxKind<B>): Promise<OutboxEntry<B>[]> {
    const suffix = `.${kind.name}.json`;
    const entries: OutboxEntry<B>[] = [];
    for (const name of (await readdir(this.dir)).filter((n) => n.endsWith(suffix))) {
      const entry = await this.readEntry(kind, name);
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  private async readEntry<B>(kind: OutboxKind<B>, name: string): Promise<OutboxEntry<B> | undefined> {
    const raw = await readFile(join(this.dir, name), 'utf8').catch(() => undefined);
    if (raw === undefined) return undefined;
    const file = fileSchema.safeParse(parseJsonObject(raw));
    const body = file.success ? kind.parse(file.data.body) : undefined;
    if (file.success && body?.ok && kind.keyOf(body.body) === file.data.key && name === fileName(kind, file.data.key)) {
      return { key: file.data.key, body: body.body, queuedAt: file.data.queuedAt };
    }
    const why = !file.success ? 'not an outbox file' : body && !body.ok ? body.error : 'key does not match';
    this.log.error({ file: name }, `outbox file unreadable (${why}); moved to corrupt/`);
    await mkdir(join(this.dir, 'corrupt'), { recursive: true });
    await rename(join(this.dir, name), join(this.dir, 'corrupt', name)).catch(() => undefined);
    return undefined;
  }
}

function serialise(key: string, queuedAt: string, body: unknown): string {
  return JSON.stringify({ version: 1, key, queuedAt, body });
}

function fileName(kind: OutboxKind<unknown>, key: string): string {
  return `${encodeURIComponent(key).replace(/\./g, '%2E')}.${kind.name}.json`;
}

/** Temp name unique to this process and write: `<name>.<pid>-<random>.tmp`. */
function tempName(dir: string, name: string): string {
  return join(dir, `${name}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes a file durably: replacing any existing one, or only if none exists ('exclusive', via link, which never overwrites). */
async function writeDurably(dir: string, name: string, contents: string, mode: 'replace' | 'exclusive'): Promise<'written' | 'exists'> {
  const tmp = tempName(dir, name);
  let outcome: 'written' | 'exists' = 'written';
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode === 'replace') await rename(tmp, join(dir, name));
    else {
      await link(tmp, join(dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        outcome = 'exists';
      });
      await unlink(tmp);
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
  return outcome;
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
