/**
 * Why a media frame gets a cheap check instead of a full zod parse: per-message cost of each, measured.
 * Run: `npm run build && node dist/bench/parse-micro.js` (a micro-benchmark, not part of npm test).
 */
import { z } from 'zod';
import { parseTwilioMessage } from '../src/twilio/messages.js';

const frame = JSON.stringify({
  event: 'media',
  sequenceNumber: '4242',
  streamSid: 'MZ0123456789abcdef0123456789abcdef',
  media: { track: 'inbound', chunk: '4241', timestamp: '84820', payload: Buffer.alloc(160, 0xff).toString('base64') },
});

const numeric = z.string().regex(/^\d+$/);
const fullMediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: numeric,
  streamSid: z.string().min(1),
  media: z.object({ track: z.string(), chunk: numeric, timestamp: numeric, payload: z.string().base64() }),
});

function measure(name: string, fn: () => unknown, iterations = 300_000): { name: string; nsPerOp: number } {
  for (let i = 0; i < 20_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  return { name, nsPerOp: Math.round(ns) };
}

const rows = [
  measure('JSON.parse only (the least any relay does)', () => JSON.parse(frame)),
  measure('parseTwilioMessage (JSON.parse + cheap media check)', () => parseTwilioMessage(frame)),
  measure('JSON.parse + full zod schema of the media frame', () => fullMediaSchema.safeParse(JSON.parse(frame))),
];
const base = rows[0]!.nsPerOp;
for (const r of rows) console.log(`${String(r.nsPerOp).padStart(6)} ns/frame  ${(r.nsPerOp / base).toFixed(2)}×  ${r.name}`);
console.log(`At 50 frames/s per call, 500 calls = 25 000 frames/s: full zod costs ${((rows[2]!.nsPerOp - rows[1]!.nsPerOp) * 25_000 / 1e6).toFixed(1)} ms of CPU per second more than the cheap check.`);
