/**
 * The models the Realtime stand-in knows, with the shutdown dates the `openai` package (7.x) announces in its type docs
 * (`RealtimeSessionCreateRequest.model`, `AudioTranscription.model`): after its date a model is gone, and the
 * stand-in answers for it as for an unknown model. "Shut down" is judged by the stand-in's clock (`wallNow()`).
 * The `created` times are the snapshot dates where the id carries one, otherwise approximate release dates.
 */
import type { Model } from 'openai/resources/models';

export type ModelKind = 'realtime' | 'transcription';

export interface CatalogModel {
  id: string;
  kind: ModelKind;
  created: string;
  /** `YYYY-MM-DD`, or null when none is announced. */
  shutdownDate: string | null;
  /** Takes `reasoning` and `parallel_tool_calls` ("reasoning-capable Realtime models such as gpt-realtime-2"). */
  reasoning?: boolean;
  /** Transcription usage on `…input_audio_transcription.completed`: billed by tokens or by audio duration. */
  usage?: 'tokens' | 'duration';
}

/**
 * gpt-realtime, its snapshot and every gpt-realtime-mini* (the project's rule: the types name only `gpt-realtime-mini`
 * and `gpt-realtime-mini-2025-12-15`, and of the gpt-audio-mini ids only those two as well).
 */
export const REALTIME_SHUTDOWN = '2027-01-20';
export const TRANSCRIPTION_SHUTDOWN = '2027-02-26';

const realtime = (id: string, created: string, shutdownDate: string | null, reasoning = false): CatalogModel => ({
  id,
  kind: 'realtime',
  created,
  shutdownDate,
  reasoning,
});
const transcription = (id: string, created: string, shutdownDate: string | null, usage: 'tokens' | 'duration'): CatalogModel => ({
  id,
  kind: 'transcription',
  created,
  shutdownDate,
  usage,
});

const CATALOG: readonly CatalogModel[] = [
  realtime('gpt-realtime', '2025-08-28', REALTIME_SHUTDOWN),
  realtime('gpt-realtime-2025-08-28', '2025-08-28', REALTIME_SHUTDOWN),
  realtime('gpt-realtime-mini', '2025-10-06', REALTIME_SHUTDOWN),
  realtime('gpt-realtime-mini-2025-10-06', '2025-10-06', REALTIME_SHUTDOWN),
  realtime('gpt-realtime-mini-2025-12-15', '2025-12-15', REALTIME_SHUTDOWN),
  realtime('gpt-audio-mini', '2025-10-06', REALTIME_SHUTDOWN),
  realtime('gpt-audio-mini-2025-12-15', '2025-12-15', REALTIME_SHUTDOWN),
  realtime('gpt-audio-mini-2025-10-06', '2025-10-06', null),
  realtime('gpt-audio-1.5', '2026-02-01', null),
  realtime('gpt-realtime-1.5', '2026-02-01', null),
  realtime('gpt-4o-realtime-preview', '2024-10-01', null),
  realtime('gpt-4o-realtime-preview-2024-10-01', '2024-10-01', null),
  realtime('gpt-4o-realtime-preview-2024-12-17', '2024-12-17', null),
  realtime('gpt-4o-realtime-preview-2025-06-03', '2025-06-03', null),
  realtime('gpt-4o-mini-realtime-preview', '2024-12-17', null),
  realtime('gpt-4o-mini-realtime-preview-2024-12-17', '2024-12-17', null),
  realtime('gpt-realtime-2', '2026-05-01', null, true),
  realtime('gpt-realtime-2.1', '2026-09-01', null, true),
  realtime('gpt-realtime-2.1-mini', '2026-09-01', null, true),
  transcription('whisper-1', '2023-03-01', TRANSCRIPTION_SHUTDOWN, 'duration'),
  transcription('gpt-4o-transcribe', '2025-03-20', TRANSCRIPTION_SHUTDOWN, 'tokens'),
  transcription('gpt-4o-transcribe-diarize', '2025-10-15', TRANSCRIPTION_SHUTDOWN, 'tokens'),
  transcription('gpt-4o-mini-transcribe', '2025-03-20', TRANSCRIPTION_SHUTDOWN, 'tokens'),
  transcription('gpt-4o-mini-transcribe-2025-12-15', '2025-12-15', TRANSCRIPTION_SHUTDOWN, 'tokens'),
  transcription('gpt-transcribe', '2026-09-01', null, 'tokens'),
  transcription('gpt-live-transcribe', '2026-09-01', null, 'tokens'),
  transcription('gpt-realtime-whisper', '2026-09-01', null, 'duration'),
];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

/** A model that exists at `now`: known, and not past its shutdown date (the date itself is the first day it is gone). */
export function liveModel(id: string, now: Date, kind?: ModelKind): CatalogModel | undefined {
  const model = BY_ID.get(id);
  if (!model || (kind && model.kind !== kind)) return undefined;
  if (model.shutdownDate !== null && now.toISOString().slice(0, 10) >= model.shutdownDate) return undefined;
  return model;
}

/** Whether the id is one the catalog knows but that has shut down by `now`. */
export function isShutDown(id: string, now: Date): boolean {
  return BY_ID.has(id) && liveModel(id, now) === undefined;
}

export function liveModelIds(kind: ModelKind, now: Date): string[] {
  return CATALOG.filter((m) => m.kind === kind && liveModel(m.id, now)).map((m) => m.id);
}

/** The `Model` object of `GET /v1/models/{model}`. */
export function modelObject(model: CatalogModel): Model {
  return {
    id: model.id,
    object: 'model',
    created: Date.parse(`${model.created}T00:00:00Z`) / 1000,
    owned_by: 'system',
    shutdown_date: model.shutdownDate,
  } satisfies Required<Model>;
}

/** OpenAI's answer for a model that is gone or never existed (HTTP 404, `model_not_found`). */
export function modelNotFoundMessage(id: string, now: Date): string {
  return isShutDown(id, now)
    ? `The model \`${id}\` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations`
    : `The model \`${id}\` does not exist or you do not have access to it.`;
}
