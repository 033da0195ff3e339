import { asciiBytes, digitCount, isPlainAscii, joinBytes, writeDigitsBefore } from '../twilio/json-bytes.js';

/**
 * Caller audio for the model, built from bytes: `{"type":"input_audio_buffer.append","audio":"<base64>"}` from a
 * payload slice taken out of the Twilio frame (or cached silence), in one new buffer, so the socket can send it as a
 * text frame (`ws.send(frame, { binary: false })`) without a string in between. The payload must be base64 (what
 * `TwilioMediaReader` and `isWrappablePayload` check), so it needs no escaping.
 *
 * With an `eventIdPrefix`, every frame carries `"event_id":"<prefix><n>"` (n = 1, 2, …; the `event_id` every client
 * event may carry, see `InputAudioBufferAppendEvent` in the `openai` package), so an `error` naming it is known to
 * be about caller audio. The id costs a few digits written in place, no string.
 */
const TYPE_HEAD = '{"type":"input_audio_buffer.append"';
const PLAIN_HEAD = asciiBytes(`${TYPE_HEAD},"audio":"`);
const ID_TO_AUDIO = asciiBytes('","audio":"');
const TAIL = asciiBytes('"}');

/** The head of the frames for each prefix, shared by every builder (a call has one): prefixes are few. */
const idHeads = new Map<string, Buffer>();

export class AppendFrameBuilder {
  private readonly idHead: Buffer | undefined;
  /** The last frame's event number: its event id is `<prefix><sent>` (frames built so far, unless numbered by the caller). */
  sent = 0;

  constructor(readonly eventIdPrefix?: string) {
    if (eventIdPrefix === undefined) return;
    if (!isPlainAscii(eventIdPrefix)) throw new Error('eventIdPrefix must be printable ASCII without quote or backslash');
    this.idHead = idHeads.get(eventIdPrefix) ?? idHeads.set(eventIdPrefix, asciiBytes(`${TYPE_HEAD},"event_id":"${eventIdPrefix}`)).get(eventIdPrefix);
  }

  /** `eventNumber`: the id's number, when the caller numbers its events itself; by default the next one. */
  build(audioBase64: Uint8Array, eventNumber = this.sent + 1): Buffer {
    const n = (this.sent = eventNumber);
    const idHead = this.idHead;
    if (idHead === undefined) return joinBytes(PLAIN_HEAD, audioBase64, TAIL);
    const digitsEnd = idHead.length + digitCount(n);
    const audioStart = digitsEnd + ID_TO_AUDIO.length;
    const out = Buffer.allocUnsafe(audioStart + audioBase64.length + TAIL.length);
    out.set(idHead, 0);
    writeDigitsBefore(out, digitsEnd, n);
    out.set(ID_TO_AUDIO, digitsEnd);
    out.set(audioBase64, audioStart);
    out.set(TAIL, audioStart + audioBase64.length);
    return out;
  }

  /** The event id of the last frame built (undefined without a prefix or before the first frame). */
  get lastEventId(): string | undefined {
    return this.eventIdPrefix === undefined || this.sent === 0 ? undefined : `${this.eventIdPrefix}${this.sent}`;
  }
}
