import type { RateTable } from './call-report.js';

/**
 * List prices in USD, from OpenAI's pricing page (https://developers.openai.com/api/docs/pricing and each model's
 * page under /api/docs/models), as read on 2026-12-03. Prices change: this table is for estimates in call records
 * and metrics, never for billing. Text output of the 2.x models costs 24 per 1M, not gpt-realtime's 16; cached input
 * costs about a hundredth of fresh audio input, which is why instructions and tools come first and stay the same.
 */
const REALTIME_2: RateTable = { text: { input: 4, inputCached: 0.4, output: 24 }, audio: { input: 32, inputCached: 0.4, output: 64 } };
const REALTIME_MINI: RateTable = { text: { input: 0.6, inputCached: 0.06, output: 2.4 }, audio: { input: 10, inputCached: 0.3, output: 20 } };
const REALTIME_1: RateTable = { text: { input: 4, inputCached: 0.4, output: 16 }, audio: { input: 32, inputCached: 0.4, output: 64 } };

/** USD per 1M tokens, by model id; dated snapshots (`-2025-08-28`) fall back to their model. */
const REALTIME_RATES: ReadonlyArray<[prefix: string, rates: RateTable]> = [
  ['gpt-realtime-2.1-mini', REALTIME_MINI],
  ['gpt-realtime-2.1', REALTIME_2],
  ['gpt-realtime-2', REALTIME_2],
  ['gpt-realtime-mini', REALTIME_MINI],
  ['gpt-realtime-1.5', REALTIME_1],
  ['gpt-realtime', REALTIME_1],
];

/** USD per minute of audio for the transcription models priced by duration. */
const TRANSCRIPTION_USD_PER_MINUTE: Readonly<Record<string, number>> = {
  'gpt-live-transcribe': 0.017,
  'gpt-realtime-whisper': 0.017,
  'gpt-transcribe': 0.0045,
};

/** The rates of a Realtime model (the newest known model's when it is not in the table). */
export function realtimeRates(model: string): RateTable {
  return REALTIME_RATES.find(([prefix]) => model === prefix || model.startsWith(`${prefix}-`))?.[1] ?? REALTIME_2;
}

export function transcriptionUsdPerMinute(model: string): number {
  return TRANSCRIPTION_USD_PER_MINUTE[model] ?? 0;
}
