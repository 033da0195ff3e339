/**
 * The Realtime API's error payloads (`RealtimeError` in the openai 7.x types), with their codes and messages verbatim where they are known.
 */
import type { RealtimeError } from 'openai/resources/realtime/realtime';

export type SimError = Required<Pick<RealtimeError, 'type' | 'message'>> & { code: string | null; param: string | null };

const invalidRequest = (code: string | null, message: string, param: string | null = null): SimError => ({
  type: 'invalid_request_error',
  code,
  message,
  param,
});

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return `a ${typeof value}`;
};

export const simErrors = {
  betaShapeDisabled: () =>
    invalidRequest(
      'beta_api_shape_disabled',
      'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
    ),
  sessionExpired: () => invalidRequest('session_expired', 'Your session hit the maximum duration of 60 minutes.'),
  missingParameter: (param: string) =>
    invalidRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param),
  unknownParameter: (param: string) => invalidRequest('unknown_parameter', `Unknown parameter: '${param}'.`, param),
  /** A field the type docs reserve for other models (e.g. `reasoning` on a model that does not reason). */
  unsupportedParameter: (param: string) =>
    invalidRequest('unsupported_parameter', `Unsupported parameter: '${param}' is not supported with this model.`, param),
  invalidType: (param: string, expected: string, got: unknown) =>
    invalidRequest(
      'invalid_type',
      `Invalid type for '${param}': expected ${expected}, but got ${describe(got)} instead.`,
      param,
    ),
  invalidValue: (param: string, value: unknown, supported?: readonly string[]) =>
    invalidRequest(
      'invalid_value',
      `Invalid value: '${String(value)}'.` +
        (supported ? ` Supported values are: ${supported.map((s) => `'${s}'`).join(', ')}.` : ''),
      param,
    ),
  belowMin: (param: string, min: number, got: number) =>
    invalidRequest(
      Number.isInteger(min) ? 'integer_below_min_value' : 'decimal_below_min_value',
      `Invalid '${param}': ${Number.isInteger(min) ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${got} instead.`,
      param,
    ),
  aboveMax: (param: string, max: number, got: number) =>
    invalidRequest(
      Number.isInteger(max) ? 'integer_above_max_value' : 'decimal_above_max_value',
      `Invalid '${param}': ${Number.isInteger(max) ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${got} instead.`,
      param,
    ),
  activeResponse: (responseId: string) =>
    invalidRequest(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
    ),
  cancelNotActive: () => invalidRequest('response_cancel_not_active', 'Cancellation failed: no active response found'),
  commitEmpty: (bufferedMs: number) =>
    invalidRequest(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
    ),
  truncateBeyondAudio: (itemAudioMs: number, requestedMs: number) =>
    invalidRequest(null, `Audio content of ${Math.floor(itemAudioMs)}ms is already shorter than ${requestedMs}ms`),
  truncateUnsupported: () =>
    invalidRequest('unsupported_content_type', 'Only model output audio messages can be truncated', 'item_id'),
  itemNotFound: (itemId: string, param = 'item_id') =>
    invalidRequest('item_not_found', `Conversation item with item_id '${itemId}' not found.`, param),
  appendTooLarge: (max: number, got: number) =>
    invalidRequest(
      'string_above_max_length',
      `Invalid 'audio': string too long. Expected a string with maximum length ${max}, but got a string with length ${got} instead.`,
      'audio',
    ),
  missingType: () => invalidRequest('invalid_event', "The 'type' field is missing.", 'type'),
  unknownEventType: (type: string) =>
    invalidRequest('invalid_value', `Invalid value: '${type}'. This event type is not supported.`, 'type'),
  invalidJson: () =>
    invalidRequest('invalid_json', 'We could not parse the JSON body of your request. Expected a JSON object.'),
  voiceLocked: () =>
    invalidRequest(
      'cannot_update_voice',
      'Cannot update a conversation\'s voice if assistant audio is present.',
      'session.audio.output.voice',
    ),
  modelImmutable: () =>
    invalidRequest('invalid_value', "Cannot change the 'model' of an existing session.", 'session.model'),
  fatal: (code: string, message?: string): SimError => {
    if (code === 'server_error') {
      return {
        type: 'server_error',
        code: null,
        message: message ?? 'The server had an error while processing your request. Sorry about that!',
        param: null,
      };
    }
    return invalidRequest(code, message ?? fatalMessages[code] ?? `Request failed: ${code}.`);
  },
};

const fatalMessages: Record<string, string> = {
  invalid_api_key: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
  insufficient_quota: 'You exceeded your current quota, please check your plan and billing details.',
  account_deactivated: 'This key is associated with a deactivated account.',
  billing_hard_limit_reached: 'Billing hard limit has been reached.',
};
