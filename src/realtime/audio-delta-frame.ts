import { asciiBytes, base64DecodedBytes, JsonCursor } from '../twilio/json-bytes.js';

/**
 * `response.output_audio.delta` read straight from the received bytes (the model's hot path): no `JSON.parse`, and
 * the audio stays bytes. Only the exact text the Realtime server sends is recognised, fields in this order (those of
 * the `openai` package's `ResponseAudioDeltaEvent`):
 *
 *   {"type":"response.output_audio.delta","event_id":"…","response_id":"…","item_id":"…","output_index":0,"content_index":0,"delta":"…"}
 *
 * with ids of printable ASCII and no escape, integer indexes and a base64 delta. Anything else is "not fast":
 * `read` returns undefined and the caller hands the text to `parseModelEvent`. What `read` accepts, the full
 * parser accepts with the same ids, index and delta.
 */
export interface AudioDeltaFrame {
  responseId: string;
  itemId: string;
  contentIndex: number;
  /** The base64 text of `delta`, a view into the received frame (no copy). */
  delta: Buffer;
  /** Bytes of audio the delta decodes to (for the playback ledger), from its length and padding. */
  deltaBytes: number;
}

const HEAD = asciiBytes('{"type":"response.output_audio.delta","event_id":"');
const RESPONSE_ID = asciiBytes('","response_id":"');
const ITEM_ID = asciiBytes('","item_id":"');
const OUTPUT_INDEX = asciiBytes('","output_index":');
const CONTENT_INDEX = asciiBytes(',"content_index":');
const DELTA = asciiBytes(',"delta":"');
const TAIL = asciiBytes('"}');
/** Ids are short (`event_…`, `resp_…`, `item_…`); a longer one is unusual and goes to the full parser. */
const MAX_ID_CHARS = 128;

/**
 * The last id read: consecutive deltas carry the same response and item ids, so the string is made once per item
 * instead of once per delta. Ids are printable ASCII (`plainString`), so each byte is one character code.
 */
class RepeatedId {
  private text = '';

  of(frame: Buffer, start: number, end: number): string {
    const text = this.text;
    const length = end - start;
    if (length === text.length) {
      let i = 0;
      while (i < length && frame[start + i] === text.charCodeAt(i)) i++;
      if (i === length) return text;
    }
    return (this.text = frame.toString('latin1', start, end));
  }
}

export class AudioDeltaReader {
  private readonly cursor = new JsonCursor();
  private readonly responseId = new RepeatedId();
  private readonly itemId = new RepeatedId();

  read(frame: Buffer): AudioDeltaFrame | undefined {
    const delta = this.readFrom(this.cursor.reset(frame), frame);
    this.cursor.release();
    return delta;
  }

  private readFrom(c: JsonCursor, frame: Buffer): AudioDeltaFrame | undefined {
    if (!c.literal(HEAD) || !c.plainString(MAX_ID_CHARS) || !c.literal(RESPONSE_ID) || !c.plainString(MAX_ID_CHARS)) return undefined;
    const responseStart = c.start;
    const responseEnd = c.pos;
    if (!c.literal(ITEM_ID) || !c.plainString(MAX_ID_CHARS)) return undefined;
    const itemStart = c.start;
    const itemEnd = c.pos;
    if (!c.literal(OUTPUT_INDEX) || !c.jsonIndex() || !c.literal(CONTENT_INDEX) || !c.jsonIndex()) return undefined;
    const contentIndex = c.value;
    if (!c.literal(DELTA) || !c.base64String(frame.length)) return undefined;
    const deltaStart = c.start;
    const deltaEnd = c.pos;
    if (!c.literal(TAIL) || !c.atEnd) return undefined;
    return {
      responseId: this.responseId.of(frame, responseStart, responseEnd),
      itemId: this.itemId.of(frame, itemStart, itemEnd),
      contentIndex,
      delta: frame.subarray(deltaStart, deltaEnd),
      deltaBytes: base64DecodedBytes(frame, deltaStart, deltaEnd),
    };
  }
}
