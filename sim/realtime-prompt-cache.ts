/**
 * Input token counts and cached tokens for `response.done` usage. OpenAI's prompt caching (its "Prompt caching"
 * guide) reuses the longest prefix of a prompt seen before, from 1024 tokens on, in 128-token increments, across the
 * requests of an organisation. The stand-in's approximation, shared by every session of one sim:
 * - a prompt is the model id, then the instructions, the tool definitions and the items, in order;
 * - text counts ~4 characters a token and is cut into 128-token (512-character) blocks; caller audio counts a token
 *   per 100 ms and assistant audio a token per 50 ms (OpenAI's "Realtime costs" guide), one block per item;
 * - the cached part is the longest run of leading blocks some earlier prompt started with, rounded down to 128
 *   tokens, and 0 below 1024 (both adjustable for small test prompts).
 * Cached tokens are a subset of the input tokens, as `RealtimeResponseUsageInputTokenDetails` says.
 */
import { createHash } from 'node:crypto';
import type { ModelContext } from './realtime-context.js';

export interface PromptCacheSettings {
  /** Prompts shorter than this are never cached. Default 1024. */
  minTokens: number;
  /** Cached tokens come in multiples of this. Default 128. */
  blockTokens: number;
}

export interface PromptTokens {
  text: number;
  audio: number;
  cachedText: number;
  cachedAudio: number;
}

interface Block {
  text: number;
  audio: number;
  key: string;
}

const CHARS_PER_TOKEN = 4;
const MAX_REMEMBERED = 200_000;

export const textTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

function textBlocks(text: string, blockChars: number): Block[] {
  const blocks: Block[] = [];
  for (let at = 0; at < text.length; at += blockChars) {
    const chunk = text.slice(at, at + blockChars);
    blocks.push({ text: textTokens(chunk), audio: 0, key: chunk });
  }
  return blocks;
}

function promptBlocks(model: string, context: ModelContext, blockChars: number): Block[] {
  const blocks: Block[] = [{ text: 0, audio: 0, key: `model:${model}` }];
  blocks.push(...textBlocks(context.instructions, blockChars), ...textBlocks(JSON.stringify(context.tools), blockChars));
  for (const item of context.items) {
    if (item.type === 'message' && item.audioMs !== undefined) {
      const audio = Math.ceil(item.audioMs / (item.role === 'user' ? 100 : 50));
      blocks.push({ text: 0, audio, key: `${item.role}-audio:${item.id}:${audio}` });
    } else if (item.type === 'message') {
      blocks.push(...textBlocks(`${item.role}: ${item.text}`, blockChars));
    } else if (item.type === 'function_call') {
      blocks.push(...textBlocks(`call ${item.callId} ${item.name}(${item.arguments})`, blockChars));
    } else {
      blocks.push(...textBlocks(`output ${item.callId}: ${item.output}`, blockChars));
    }
  }
  return blocks;
}

export class PromptCache {
  private readonly seen = new Set<string>();

  constructor(private readonly settings: PromptCacheSettings = { minTokens: 1024, blockTokens: 128 }) {}

  /** Counts the prompt's input tokens and how many of them an earlier prompt had cached; then remembers it. */
  read(model: string, context: ModelContext): PromptTokens {
    const blocks = promptBlocks(model, context, this.settings.blockTokens * CHARS_PER_TOKEN);
    let chain = '';
    let matching = true;
    const total = { text: 0, audio: 0 };
    const prefix = { text: 0, audio: 0 };
    for (const block of blocks) {
      chain = createHash('sha1').update(chain).update(block.key).digest('base64');
      matching &&= this.seen.has(chain);
      if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
      this.seen.add(chain);
      total.text += block.text;
      total.audio += block.audio;
      if (!matching) continue;
      prefix.text += block.text;
      prefix.audio += block.audio;
    }
    const cachedTotal = this.cachedTokens(prefix.text + prefix.audio);
    const cachedText = prefix.text + prefix.audio === 0 ? 0 : Math.round((cachedTotal * prefix.text) / (prefix.text + prefix.audio));
    return { ...total, cachedText, cachedAudio: cachedTotal - cachedText };
  }

  private cachedTokens(prefixTokens: number): number {
    const { minTokens, blockTokens } = this.settings;
    if (prefixTokens < minTokens) return 0;
    return Math.floor(prefixTokens / blockTokens) * blockTokens;
  }
}
