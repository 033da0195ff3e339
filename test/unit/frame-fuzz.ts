import { appendAudio } from '../../src/realtime/client-events.js';

/**
 * Deterministic generators of adversarial JSON frames for the fast-path tests: valid frames in the shapes the
 * peers send, then mutations that a fast path must either read exactly as JSON.parse does or leave to it.
 */

/** The `input_audio_buffer.append` the string encoder (`realtime/client-events.ts`) writes for a payload. */
export function stringPathAppend(payload: string, eventId: string): string {
  return appendAudio(eventId, payload);
}

/** mulberry32: a small seeded PRNG, so every run sees the same cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzz {
  constructor(readonly random: () => number) {}

  int(maxExclusive: number): number {
    return Math.floor(this.random() * maxExclusive);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  digits(maxDigits = 7): string {
    return String(this.int(10 ** (1 + this.int(maxDigits))));
  }

  base64(maxBytes: number): string {
    const bytes = Buffer.alloc(this.int(maxBytes + 1));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256);
    return bytes.toString('base64');
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** A base64 payload broken in one of the ways re-wrapping must not let through (or an odd but valid one). */
  badPayload(good: string): string {
    const at = this.int(good.length + 1);
    const insert = (s: string) => good.slice(0, at) + s + good.slice(at);
    switch (this.int(12)) {
      case 0: return insert('A'); // length not a multiple of 4
      case 1: return insert('=AAA');
      case 2: return insert('"AA');
      case 3: return insert('\\AA');
      case 4: return insert(String.fromCharCode(this.int(0x20)) + 'AAA'); // becomes a \u00XX escape
      case 5: return insert('éAA');
      case 6: return insert('-_AA');
      case 7: return insert(' AAA');
      case 8: return 'A'.repeat(4 * (4_000 + this.int(2_000)));
      case 9: return `${good.slice(0, Math.max(0, good.length - 4))}A===`;
      case 10: return insert('😀AA');
      default: return good.length >= 4 ? good.slice(0, good.length - 1) + '=' : 'AA==';
    }
  }

  /** Byte-level damage to a serialised frame. */
  mutateBytes(frame: Buffer): Buffer {
    const text = frame.toString('latin1');
    const at = this.int(frame.length + 1);
    const splice = (s: string) => Buffer.from(text.slice(0, at) + s + text.slice(at), 'latin1');
    switch (this.int(9)) {
      case 0: return frame.subarray(0, at); // truncated
      case 1: return splice(this.pick([' ', '\n', '\t', '\r']));
      case 2: return splice(String.fromCharCode(this.int(0x20))); // raw control byte
      case 3: return splice(String.fromCharCode(0x80 + this.int(0x80))); // raw non-ASCII byte (maybe invalid UTF-8)
      case 4: {
        const copy = Buffer.from(frame);
        if (copy.length > 0) copy[this.int(copy.length)] = this.int(256);
        return copy;
      }
      case 5: return this.escapeOneLetter(text);
      case 6: return splice('"');
      case 7: return Buffer.concat([frame, Buffer.from(this.pick(['}', 'x', '{}', ' ', '\n', ',"a":1}']))]); // after the end
      default: return splice('\\');
    }
  }

  /** Replaces one ASCII letter or digit by its `\u00XX` escape: the same JSON value, other bytes. */
  private escapeOneLetter(text: string): Buffer {
    const positions: number[] = [];
    for (let i = 0; i < text.length; i++) if (/[A-Za-z0-9]/.test(text[i]!)) positions.push(i);
    if (positions.length === 0) return Buffer.from(text, 'latin1');
    const i = this.pick(positions);
    const escaped = `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return Buffer.from(text.slice(0, i) + escaped + text.slice(i + 1), 'latin1');
  }
}

/** Serialises `fields` with keys in the given order (JSON.stringify keeps insertion order). */
export function inOrder(fields: Record<string, unknown>, keys: string[]): string {
  const ordered: Record<string, unknown> = {};
  for (const k of keys) ordered[k] = fields[k];
  return JSON.stringify(ordered);
}
