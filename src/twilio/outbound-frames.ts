import { asciiBytes, isPlainAscii, joinBytes, ownedBytes, wrapInPlace } from './json-bytes.js';

/**
 * Twilio `media`, `mark` and `clear` messages built from bytes, byte for byte what `TwilioEncoder` writes (exactly
 * the fields of Twilio's "Media Streams - WebSocket Messages" page; more draw warning 31951). `media` takes the
 * model delta's base64 slice as it came off the model socket, so the audio is never a string; send each with
 * `ws.send(frame, { binary: false })`. A server socket keeps a reference to what it sends until written, so a frame
 * is never written to once returned: `media` and `mark` return new buffers, `mediaInPlace` writes over the received
 * model frame, which is not used again.
 */
/** Closes the string, then the inner and the outer object. */
const STRING_TAIL = asciiBytes('"}}');
const OBJECTS_TAIL = asciiBytes('}}');

export class TwilioFrameBuilder {
  private readonly mediaHead: Buffer;
  /** Up to the mark's name, which follows as a JSON string. */
  private readonly markHead: Buffer;
  private readonly markHeadQuoted: Buffer;
  readonly clear: Buffer;

  constructor(streamSid: string) {
    const sid = JSON.stringify(streamSid);
    const markHead = `{"event":"mark","streamSid":${sid},"mark":{"name":`;
    [this.mediaHead, this.markHead, this.markHeadQuoted, this.clear] = ownedBytes(
      `{"event":"media","streamSid":${sid},"media":{"payload":"`,
      markHead,
      `${markHead}"`,
      `{"event":"clear","streamSid":${sid}}`,
    );
  }

  /** `payload` must be base64 (`AudioDeltaReader` and `isWrappablePayload` check it). */
  media(payload: Uint8Array): Buffer {
    return joinBytes(this.mediaHead, payload, STRING_TAIL);
  }

  /**
   * The same `media`, written over the received model message that `payload` is a view into (see `wrapInPlace`):
   * no allocation. The model frame is consumed. Falls back to `media` when the frame has no room.
   */
  mediaInPlace(frame: Buffer, payload: Buffer): Buffer {
    const out = wrapInPlace(frame, payload, this.mediaHead.length, STRING_TAIL);
    if (out === undefined) return this.media(payload);
    out.set(this.mediaHead, 0);
    return out;
  }

  mark(name: string): Buffer {
    if (!isPlainAscii(name)) return joinBytes(this.markHead, Buffer.from(JSON.stringify(name), 'utf8'), OBJECTS_TAIL);
    const head = this.markHeadQuoted;
    const out = Buffer.allocUnsafe(head.length + name.length + STRING_TAIL.length);
    out.set(head, 0);
    for (let i = 0; i < name.length; i++) out[head.length + i] = name.charCodeAt(i);
    out.set(STRING_TAIL, head.length + name.length);
    return out;
  }
}
