import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { parseModelEvent, type ModelEvent } from '../realtime/events.js';
import { FATAL_MODEL_ERRORS, type ModelLink } from '../realtime/model-link.js';
import type { AssistantAudio } from './assistant-audio.js';
import { waitAtMost } from './bounded-wait.js';
import { isCallAction, type CallAction } from './call-tools.js';
import type { CallTimers } from './call-timers.js';
import type { CallStatus, OrderingRunner } from './call-types.js';
import type { CallerAudio } from './caller-audio.js';
import { ModelResponses } from './model-responses.js';
import type { ResponseRequest } from './response-sequencer.js';
import { HOLD_CUE_AUDIO, HoldCue } from './hold-cue.js';
import { ToolCalls } from './tool-calls.js';
import type { Transcript } from './transcript.js';
import type { CallObserver, TurnTimer } from './turn-timer.js';

const BENIGN_MODEL_ERRORS = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);

export interface ConversationDeps {
  call: CallStatus;
  clock: Clock;
  log: Logger;
  transcript: Transcript;
  turns: TurnTimer;
  assistantAudio: AssistantAudio;
  callerAudio: CallerAudio;
  timers: CallTimers | undefined;
  observer: CallObserver | undefined;
  toolTimeoutMs: number;
  /** How long a goodbye (or any line the call waits on) may take to play. */
  goodbyeTimeoutMs: number;
  /** Nobody talks and nothing runs: the caller's turn. */
  onCallerTurn(): void;
  /** Whether end_call / transfer_to_staff can be done on this call now. */
  acceptsCallAction(action: CallAction): boolean;
  /** The response that called end_call / transfer_to_staff is done; `spoke`: its words went to the caller. */
  onCallAction(action: CallAction, spoke: boolean): void;
  onSessionExpired(): void;
}

/**
 * The model side of a call on its current leg: dispatches model events, forwards the agent's
 * audio, sequences our responses, runs tools, and handles barge-in.
 */
export class Conversation {
  private readonly assistantAudio: AssistantAudio;
  private readonly turns: TurnTimer;
  private readonly responses: ModelResponses;
  private link: ModelLink | undefined;
  private tools: ToolCalls | undefined;
  private pendingAction: { action: CallAction; responseId: string; callId: string } | undefined;
  private readonly spokenResponses = new Set<string>();
  private lastSpokenResponse: string | undefined;
  private readonly holdCue: HoldCue;

  constructor(private readonly deps: ConversationDeps) {
    this.assistantAudio = deps.assistantAudio;
    this.turns = deps.turns;
    this.holdCue = new HoldCue(deps.clock, () => {
      if (!this.assistantAudio.playing) this.assistantAudio.cue(HOLD_CUE_AUDIO);
    });
    this.responses = new ModelResponses((event) => this.link?.sendEvent(event), deps.turns);
  }

  get modelOpen(): boolean {
    return this.link?.isOpen ?? false;
  }

  /** True while a response is requested or running. */
  get responding(): boolean {
    return this.responses.busy;
  }

  /** Talks on a (new) model leg; its tool outputs go to that leg only. */
  attach(link: ModelLink, runner: OrderingRunner | undefined): void {
    this.link = link;
    if (!runner) return;
    const { deps } = this;
    this.tools = new ToolCalls(runner, {
      sendOutput: (callId, output) => link.sendEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } }),
      requestFollowUp: () => this.requestResponse({ purpose: 'tool-followup' }),
      logger: deps.log,
      timeoutMs: deps.toolTimeoutMs,
      clock: deps.clock,
      onToolStarted: () => this.holdCue.toolStarted(),
      onToolFinished: (name, outcome, ms) => {
        this.holdCue.toolFinished();
        deps.observer?.toolFinished?.(name, outcome, ms);
      },
    });
  }

  /** The model leg is gone: forget what was in flight on it (queued requests wait for the next leg). */
  detach(): void {
    this.link = undefined;
    this.responses.reset();
    this.assistantAudio.forgetModelItems();
    this.pendingAction = undefined;
  }

  /** Every text frame from the model. Audio deltas are the hot path: forwarded with no other work. */
  handleModelText(text: string): void {
    const event = parseModelEvent(text);
    if (event.type === 'response.output_audio.delta') {
      const bytes = this.assistantAudio.delta(event.response_id, event.item_id, event.content_index, event.delta);
      if (bytes > 0 && event.response_id !== this.lastSpokenResponse) this.firstAudioOf(event.response_id);
      return;
    }
    this.handleModelEvent(event);
  }

  /** A Twilio mark echoed: the caller has heard up to it. */
  markEchoed(name: string): void {
    const echo = this.assistantAudio.markEchoed(name);
    if (echo.kind === 'played' && echo.firstForItem) this.turns.playoutStarted(echo.item.responseId);
    if (echo.kind === 'item-finished') this.maybeCallerTurn();
  }

  requestResponse(req: ResponseRequest): void {
    if (this.deps.call.ended) return;
    this.responses.request(req);
  }

  /** Asks the model to say something and waits until the caller heard it (bounded). */
  async say(purpose: string, instructions: string): Promise<void> {
    const spoken = this.responses.whenDone(purpose).then(() => this.assistantAudio.whenPlayedOut());
    this.requestResponse({ purpose, response: { instructions } });
    await waitAtMost(this.deps.clock, spoken, this.deps.goodbyeTimeoutMs);
  }

  untilPlayedOut(): Promise<void> {
    return waitAtMost(this.deps.clock, this.assistantAudio.whenPlayedOut(), this.deps.goodbyeTimeoutMs);
  }

  /** A confirmed order being submitted must finish (or reach the outbox) before the line is cut. */
  settleTools(): Promise<void> {
    return waitAtMost(this.deps.clock, this.tools?.whenIdle() ?? Promise.resolve(), this.deps.toolTimeoutMs);
  }

  /** The caller typed or pressed something: tell the model as a user message and let it answer. */
  userText(text: string, purpose: string): void {
    if (!this.link) return;
    this.link.sendEvent({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    this.requestResponse({ purpose });
  }

  /**
   * Barge-in in the fixed order of field note 2: snapshot + discard + clear (AssistantAudio),
   * then cancel only when the server will not, then one truncate per queued item.
   */
  bargeIn(): void {
    const active = this.responses.activeResponseId;
    if (!this.assistantAudio.playing && !active) return;
    const truncations = this.assistantAudio.interrupt(active);
    this.deps.transcript.markAgentInterrupted();
    const link = this.link;
    if (link) {
      if (active && !link.interruptResponse) link.sendEvent({ type: 'response.cancel', response_id: active });
      for (const t of truncations) link.sendEvent({ type: 'conversation.item.truncate', item_id: t.itemId, content_index: t.contentIndex, audio_end_ms: t.audioEndMs });
    }
    this.deps.observer?.bargeIn?.();
    this.turns.bargeIn();
    this.deps.log.info({ truncations }, 'barge-in');
  }

  abortTools(): void {
    this.holdCue.stop();
    this.tools?.abortAll();
  }

  /** Nobody talks and nothing runs: the caller's turn (silence timer, and whatever waits for a turn boundary). */
  maybeCallerTurn(): void {
    if (this.assistantAudio.playing || this.responses.busy || this.tools?.running || this.deps.call.closing) return;
    if (this.deps.timers?.agentFinishedSpeaking()) this.deps.log.debug('waiting for the caller');
    this.deps.onCallerTurn();
  }

  private firstAudioOf(responseId: string): void {
    this.lastSpokenResponse = responseId;
    this.spokenResponses.add(responseId);
    this.turns.audioForwarded(responseId);
  }

  private handleModelEvent(event: ModelEvent): void {
    const { deps } = this;
    switch (event.type) {
      case 'response.output_audio.done':
        this.assistantAudio.audioDone(event.response_id, event.item_id, event.content_index);
        return;
      case 'input_audio_buffer.speech_started':
        deps.timers?.callerActive();
        this.bargeIn();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.turns.callerStopped(Math.max(0, deps.callerAudio.appendedBytes / 8 - event.audio_end_ms));
        return;
      case 'response.created':
        this.responses.created(event.response.id);
        this.turns.responseStarted(event.response.id);
        deps.timers?.agentBusy();
        return;
      case 'response.output_item.done':
        if (event.item.type === 'function_call' && event.item.status === 'completed') this.functionCall(event.response_id, event.item);
        return;
      case 'response.done':
        this.responseDone(event.response.id, event.response.status);
        deps.observer?.usage?.(event.response.usage ?? undefined);
        return;
      case 'conversation.item.input_audio_transcription.completed':
        deps.transcript.add('caller', event.transcript);
        deps.log.info({ caller: event.transcript }, 'caller said');
        return;
      case 'response.output_audio_transcript.done':
        deps.transcript.add('agent', event.transcript);
        deps.log.info({ agent: event.transcript }, 'agent said');
        return;
      case 'error':
        this.modelError(event.error.code ?? event.error.type ?? 'unknown', event.error.message ?? '');
        return;
      case 'invalid':
        deps.log.warn({ error: event.error }, 'invalid model event dropped');
        return;
      default:
        return;
    }
  }

  private functionCall(responseId: string, item: { call_id?: string | undefined; name?: string | undefined; arguments?: string | undefined }): void {
    if (!item.call_id || !item.name) return;
    if (isCallAction(item.name)) {
      this.pendingAction ??= { action: item.name, responseId, callId: item.call_id };
      return;
    }
    if (!this.tools) {
      this.deps.log.warn({ tool: item.name }, 'function call but this call has no tools');
      return;
    }
    this.deps.timers?.agentBusy();
    this.tools.callCompleted(responseId, item.call_id, item.name, item.arguments ?? '{}');
  }

  private responseDone(responseId: string, status: string): void {
    this.assistantAudio.responseFinished(responseId);
    this.tools?.responseDone(responseId);
    if (status === 'failed') this.deps.log.warn({ responseId }, 'model response failed');
    this.responses.done(responseId);
    const action = this.pendingAction;
    if (action?.responseId === responseId) this.runCallAction(action.action, action.callId, this.spokenResponses.has(responseId));
    this.spokenResponses.delete(responseId);
    this.maybeCallerTurn();
  }

  /** end_call / transfer_to_staff answer at once; what they do runs once the words have played. */
  private runCallAction(action: CallAction, callId: string, spoke: boolean): void {
    const accepted = this.deps.acceptsCallAction(action);
    const output = accepted ? { ok: true } : { ok: false, error: 'not_available', message: `${action} is not available on this call. Tell the caller briefly and keep helping.` };
    this.link?.sendEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: JSON.stringify(output) } });
    if (accepted) this.deps.onCallAction(action, spoke);
    else this.requestResponse({ purpose: 'tool-followup' });
  }

  private modelError(code: string, message: string): void {
    const { deps } = this;
    deps.observer?.modelError?.(code);
    if (code === 'conversation_already_has_active_response') this.responses.rejected();
    if (BENIGN_MODEL_ERRORS.has(code)) {
      deps.log.debug({ code }, 'benign model error');
    } else if (code === 'session_expired') {
      deps.onSessionExpired();
      deps.log.warn({ code }, 'model session expired; reconnecting');
    } else if (FATAL_MODEL_ERRORS.has(code)) {
      deps.log.error({ code, message }, 'fatal model error');
      void deps.call.end('model-error', { apology: true });
    } else {
      deps.log.warn({ code, message }, 'model error');
    }
  }
}
