import type { Logger } from '../logger.js';
import { TRANSFER_TO_STAFF, type CallAction } from './call-tools.js';
import type { CallControl, CallStatus, EndReason } from './call-types.js';
import type { Conversation } from './conversation.js';
import { keypadText, PROMPTS } from './spoken-prompts.js';

export interface CallActionDeps {
  call: CallStatus;
  /** Marks the call as ending for `reason` (stops the call timers). */
  beginClosing(reason: EndReason): void;
  /** The call is not ending after all (the transfer failed before the call was ended). */
  cancelClosing(): void;
  conversation: Pick<Conversation, 'modelOpen' | 'say' | 'untilPlayedOut' | 'settleTools' | 'bargeIn' | 'userText'>;
  control: CallControl | undefined;
  callSid: string;
  /** Known once the model session is set up. */
  transferNumber(): string | undefined;
  log: Logger;
}

/** Call control: polite wrap-up, transfer to staff, the model's end_call / transfer_to_staff, and the keypad. */
export class CallActions {
  constructor(private readonly deps: CallActionDeps) {}

  /** The model says a last line (per `instructions`), the caller hears it (bounded), then the call ends. */
  async wrapUp(reason: EndReason, instructions: string): Promise<void> {
    const { call, conversation } = this.deps;
    if (call.closing) return;
    this.deps.beginClosing(reason);
    if (conversation.modelOpen) await conversation.say('wrap-up', instructions);
    await call.end(reason);
  }

  /** Announcement, then a REST update to `<Dial>` (the stream then ends). */
  async transferToStaff(announce: boolean): Promise<void> {
    const { call, conversation, control } = this.deps;
    const number = this.deps.transferNumber();
    if (!number || !control || call.closing) return;
    this.deps.beginClosing('transferred');
    if (announce && conversation.modelOpen) await conversation.say('transfer', PROMPTS.transferAnnouncement);
    await conversation.settleTools();
    try {
      await control.transfer(this.deps.callSid, number);
      await call.end('transferred');
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'transfer failed');
      this.deps.cancelClosing();
      await call.end('model-error', { apology: true });
    }
  }

  /** Whether this call can do `action` now (transfer needs a number and call control; nothing once closing). */
  accepts(action: CallAction): boolean {
    if (this.deps.call.closing) return false;
    return action !== TRANSFER_TO_STAFF || this.canTransfer();
  }

  /** end_call / transfer_to_staff, once the response that asked for it is done; `spoke`: its words were sent. */
  async run(action: CallAction, spoke: boolean): Promise<void> {
    const { call, conversation } = this.deps;
    if (action === TRANSFER_TO_STAFF) {
      if (!this.canTransfer()) return;
      if (spoke) await conversation.untilPlayedOut();
      await this.transferToStaff(!spoke);
      return;
    }
    if (call.closing) return;
    this.deps.beginClosing('agent-hung-up');
    if (spoke) await conversation.untilPlayedOut();
    else if (conversation.modelOpen) await conversation.say('goodbye', PROMPTS.goodbye);
    await conversation.settleTools();
    await call.end('agent-hung-up');
  }

  /** 0 hands the caller to staff (when offered); other keys go to the model as text. */
  keypad(digit: string): void {
    this.deps.log.info({ digit }, 'keypad press');
    if (digit === '0' && this.canTransfer()) {
      this.deps.conversation.bargeIn();
      void this.transferToStaff(true);
      return;
    }
    if (this.deps.call.closing) return;
    this.deps.conversation.userText(keypadText(digit), `keypad-${digit}`);
  }

  private canTransfer(): boolean {
    return Boolean(this.deps.transferNumber() && this.deps.control);
  }
}
