/**
 * Messages "Twilio" sends to the bridge (Twilio's "Media Streams - WebSocket Messages" page), as JSON text. Every number is a string except
 * `mediaFormat.sampleRate` / `channels`. `media` is built by hand because it goes out 50 times a second per call.
 */
export interface StreamIdentity {
  accountSid: string;
  callSid: string;
  streamSid: string;
}

export interface MediaFormat {
  encoding: string;
  sampleRate: number;
  channels: number;
}

export const MULAW_8K_MONO: MediaFormat = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 };

export function connectedMessage(): string {
  return JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' });
}

export function startMessage(
  id: StreamIdentity,
  sequenceNumber: number,
  details: { tracks: string[]; customParameters: Record<string, string>; mediaFormat: MediaFormat },
): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: String(sequenceNumber),
    streamSid: id.streamSid,
    start: {
      accountSid: id.accountSid,
      streamSid: id.streamSid,
      callSid: id.callSid,
      tracks: details.tracks,
      customParameters: details.customParameters,
      mediaFormat: details.mediaFormat,
    },
  });
}

/**
 * `streamSidJson` is the JSON-encoded streamSid (computed once per call). The field order is Twilio's own, as in the
 * media message example of Twilio's "Media Streams - WebSocket Messages" page: `media` before `streamSid`.
 * `payloadJson` goes into the string literal as-is, so a test can put JSON escapes (e.g. `\u0000`) in it.
 */
export function mediaMessage(streamSidJson: string, sequenceNumber: number, chunk: number, timestampMs: number, payloadJson: string): string {
  return (
    `{"event":"media","sequenceNumber":"${sequenceNumber}",` +
    `"media":{"track":"inbound","chunk":"${chunk}","timestamp":"${timestampMs}","payload":"${payloadJson}"},"streamSid":${streamSidJson}}`
  );
}

export function dtmfMessage(streamSid: string, sequenceNumber: number, digit: string): string {
  return JSON.stringify({ event: 'dtmf', sequenceNumber: String(sequenceNumber), streamSid, dtmf: { track: 'inbound_track', digit } });
}

export function markEchoMessage(streamSid: string, sequenceNumber: number, name: string): string {
  return JSON.stringify({ event: 'mark', sequenceNumber: String(sequenceNumber), streamSid, mark: { name } });
}

export function stopMessage(id: StreamIdentity, sequenceNumber: number): string {
  return JSON.stringify({
    event: 'stop',
    sequenceNumber: String(sequenceNumber),
    streamSid: id.streamSid,
    stop: { accountSid: id.accountSid, callSid: id.callSid },
  });
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** Twilio-shaped ids: a two-letter prefix and 32 hex digits (`SM…` messages, `RE…` recordings). */
export function fakeSid(prefix: 'AC' | 'CA' | 'MZ' | 'SM' | 'RE'): string {
  return prefix + randomHex(32);
}
