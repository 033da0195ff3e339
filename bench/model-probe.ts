/**
 * The benchmark's view from inside the model stand-in: reads the caller's stamps from each appended frame
 * (caller → model latency, frames delivered or duplicated) and stamps each audio delta on its way out
 * (model → caller), marking a response's first delta with the bridge time already spent on that turn
 * (the trigger frame's latency) or, for the greeting, the stand-in's own think time to subtract.
 */
import type { SimSession } from '../sim/realtime-server.js';
import { LatencyHistogram, type HistogramSnapshot } from './latency-histogram.js';
import { SequenceTracker } from './sequence-tracker.js';
import {
  FLAG_FIRST_DELTA,
  FLAG_GREETING,
  NO_EXTRA,
  STAMP_BASE64_CHARS,
  elapsedUs,
  emptyStamp,
  monotonicUs,
  readStamp,
  stampBase64,
  toExtra,
  type Stamp,
} from './stamp.js';

export interface ModelProbeCounts {
  sessions: number;
  framesDelivered: number;
  framesDuplicated: number;
  /** Appends without a readable stamp (e.g. padding a bridge inserted). */
  framesUnstamped: number;
  deltasStamped: number;
  /** Deltas too short to carry a stamp. */
  deltasUnstamped: number;
  greetings: number;
  turns: number;
}

export interface ModelProbeReport extends ModelProbeCounts {
  callerToModel: HistogramSnapshot;
}

type OutgoingEvent = { type: string; delta?: string };

export class ModelProbe {
  readonly latency = new LatencyHistogram();
  readonly counts: ModelProbeCounts = { sessions: 0, framesDelivered: 0, framesDuplicated: 0, framesUnstamped: 0, deltasStamped: 0, deltasUnstamped: 0, greetings: 0, turns: 0 };
  measuring = false;
  private readonly stamp: Stamp = emptyStamp();

  /** Hooks one session: appended audio before its VAD sees it, server events before they are serialised. */
  attach(session: SimSession): void {
    this.counts.sessions++;
    const probe = new SessionProbe(this);
    session.onInputAudio = (audio) => probe.onInput(audio);
    const send = session.send.bind(session);
    session.send = (event) => {
      if (typeof event !== 'string') probe.onOutgoing(event as OutgoingEvent);
      send(event);
    };
  }

  /** Reads the stamp of an incoming frame into the shared scratch stamp; false if none. */
  read(audio: Buffer): Stamp | undefined {
    return readStamp(audio, this.stamp) ? this.stamp : undefined;
  }

  report(): ModelProbeReport {
    return { ...this.counts, callerToModel: this.latency.snapshot() };
  }
}

class SessionProbe {
  private readonly frames = new SequenceTracker();
  private callId = NO_EXTRA;
  private lastFrameLatencyUs: number | undefined;
  private turnLatencyUs: number | undefined;
  private responseTriggerLatencyUs: number | undefined;
  private responseKind: 'greeting' | 'turn' | 'other' = 'other';
  private responseStartUs = 0;
  private responses = 0;
  private firstDeltaPending = false;
  private deltaSeq = 0;
  private readonly out: Stamp = emptyStamp();

  constructor(private readonly owner: ModelProbe) {}

  onInput(audio: Buffer): void {
    const stamp = this.owner.read(audio);
    const counts = this.owner.counts;
    if (!stamp) {
      counts.framesUnstamped++;
      this.lastFrameLatencyUs = undefined;
      return;
    }
    const latency = elapsedUs(stamp.timeUs, monotonicUs());
    this.callId = stamp.callId;
    this.lastFrameLatencyUs = latency;
    if (!this.frames.accept(stamp.seq)) counts.framesDuplicated++;
    else counts.framesDelivered++;
    if (this.owner.measuring) this.owner.latency.record(latency);
  }

  onOutgoing(event: OutgoingEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.speech_stopped':
        this.turnLatencyUs = this.lastFrameLatencyUs ?? -1;
        return;
      case 'response.created':
        this.startResponse();
        return;
      case 'response.output_audio.delta':
        if (typeof event.delta === 'string') event.delta = this.stampDelta(event.delta);
        return;
    }
  }

  private startResponse(): void {
    this.responseKind = this.turnLatencyUs !== undefined ? 'turn' : this.responses === 0 ? 'greeting' : 'other';
    this.responseTriggerLatencyUs = this.turnLatencyUs;
    this.turnLatencyUs = undefined;
    if (this.responseKind === 'turn') this.owner.counts.turns++;
    if (this.responseKind === 'greeting') this.owner.counts.greetings++;
    this.responses++;
    this.responseStartUs = monotonicUs();
    this.firstDeltaPending = true;
  }

  private stampDelta(delta: string): string {
    if (delta.length < STAMP_BASE64_CHARS * 2) {
      this.owner.counts.deltasUnstamped++;
      return delta;
    }
    const now = monotonicUs();
    const s = this.out;
    s.timeUs = now;
    s.callId = this.callId;
    s.seq = this.deltaSeq++ & 0xffff;
    s.flags = 0;
    s.extra = NO_EXTRA;
    if (this.firstDeltaPending) {
      this.firstDeltaPending = false;
      s.flags = FLAG_FIRST_DELTA;
      if (this.responseKind === 'greeting') {
        s.flags |= FLAG_GREETING;
        s.extra = toExtra(elapsedUs(this.responseStartUs, now));
      } else if (this.responseKind === 'turn' && this.responseTriggerLatencyUs !== undefined && this.responseTriggerLatencyUs >= 0) {
        s.extra = toExtra(this.responseTriggerLatencyUs);
      }
    }
    this.owner.counts.deltasStamped++;
    return stampBase64(delta, s);
  }
}
