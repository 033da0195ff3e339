/**
 * The input side of a session: the appended-audio clock, the uncommitted buffer, server VAD and the idle timeout.
 * Every position is appended bytes / bytes-per-ms of the input format (μ-law: bytes / 8), never wall time.
 */
import { bytesPerMs } from './realtime-session-config.js';
import type { EffectiveSession, TurnDetectionConfig } from './realtime-types.js';
import { EnergyVad, type VadFormat, type VadSettings } from './realtime-vad.js';

export interface InputAudioListener {
  speechStarted(audioStartMs: number): void;
  speechStopped(audioEndMs: number): void;
  idleTimeout(audioStartMs: number, audioEndMs: number): void;
}

const SEMANTIC_SILENCE_MS = { low: 1200, medium: 700, auto: 700, high: 300 } as const;

function vadSettings(td: TurnDetectionConfig): VadSettings {
  return td.type === 'server_vad'
    ? { threshold: td.threshold, silenceDurationMs: td.silence_duration_ms }
    : { threshold: 0.5, silenceDurationMs: SEMANTIC_SILENCE_MS[td.eagerness] };
}

export class InputAudio {
  appendedBytes = 0;
  appends = 0;
  /** The session's audio clock. */
  appendedMs = 0;
  private bufferStartMs = 0;
  private bytesPerMs = 48;
  private format: VadFormat = 'audio/pcm';
  private turnDetection: TurnDetectionConfig | null = null;
  private vad: EnergyVad | undefined;
  private idle: { startMs: number; deadlineMs: number } | undefined;

  constructor(private readonly listener: InputAudioListener) {}

  get bufferedMs(): number {
    return this.appendedMs - this.bufferStartMs;
  }

  get speaking(): boolean {
    return this.vad?.isSpeaking ?? false;
  }

  configure(session: Readonly<EffectiveSession>): void {
    const format = (session.audio.input.format.type ?? 'audio/pcm') as VadFormat;
    const td = session.audio.input.turn_detection;
    const recreate = format !== this.format || td?.type !== this.turnDetection?.type;
    this.format = format;
    this.bytesPerMs = bytesPerMs(session.audio.input.format);
    this.turnDetection = td;
    if (!td) this.vad = undefined;
    else if (recreate || !this.vad) this.vad = new EnergyVad(format, vadSettings(td), this.vadListener, this.appendedMs);
    else this.vad.configure(vadSettings(td));
    if (td?.type !== 'server_vad' || td.idle_timeout_ms === null) this.idle = undefined;
  }

  append(audio: Buffer): void {
    this.appends++;
    this.appendedBytes += audio.length;
    this.appendedMs += audio.length / this.bytesPerMs;
    this.vad?.push(audio);
    const idle = this.idle;
    if (idle && this.appendedMs >= idle.deadlineMs && !this.speaking) {
      this.idle = undefined;
      this.listener.idleTimeout(idle.startMs, this.appendedMs);
    }
  }

  /** Takes the uncommitted buffer up to `untilMs` (commit); returns its duration in ms. */
  take(untilMs = this.appendedMs): number {
    const ms = Math.max(0, untilMs - this.bufferStartMs);
    this.bufferStartMs = untilMs;
    return ms;
  }

  clear(): void {
    this.bufferStartMs = this.appendedMs;
    this.vad?.reset();
  }

  /** Starts the idle countdown once `playbackMs` of assistant audio has had time to play (server_vad only). */
  armIdle(playbackMs: number): void {
    const td = this.turnDetection;
    if (td?.type !== 'server_vad' || td.idle_timeout_ms === null || this.speaking) return;
    const startMs = this.appendedMs + playbackMs;
    this.idle = { startMs, deadlineMs: startMs + td.idle_timeout_ms };
  }

  disarmIdle(): void {
    this.idle = undefined;
  }

  private readonly vadListener = {
    speechStarted: (onsetMs: number): void => {
      this.idle = undefined;
      const padding = this.turnDetection?.type === 'server_vad' ? this.turnDetection.prefix_padding_ms : 300;
      this.listener.speechStarted(Math.max(this.bufferStartMs, onsetMs - padding));
    },
    speechStopped: (endMs: number): void => this.listener.speechStopped(endMs),
  };
}
