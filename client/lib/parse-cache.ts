/**
 * `parseDecision` with a small memo. Every edit anywhere on the board gives each card a fresh decision
 * object, and chrono is not free: without this, each keystroke would re-read every decision's date.
 */
import { parseDecision, type ParseContext, type ParsedDecision } from '../../shared/decisions.js';

const MAX = 500;
const cache = new Map<string, ParsedDecision>();
/**
 * The names part of the key: a short id per distinct list of names, found once per names array. A board may
 * know thousands of names, and every decision asks; the key stays short and cheap to hash.
 */
const namesKeys = new WeakMap<readonly string[], string>();
const namesIds = new Map<string, string>();
let nextNamesId = 0;
const NO_NAMES: readonly string[] = [];

function namesKey(participants: readonly string[] = NO_NAMES): string {
  let key = namesKeys.get(participants);
  if (key === undefined) {
    const json = JSON.stringify(participants);
    key = namesIds.get(json);
    if (key === undefined) {
      // Ids are never reused, so forgetting old lists only costs a miss.
      if (namesIds.size >= MAX) namesIds.clear();
      namesIds.set(json, (key = `#${nextNamesId++}`));
    }
    namesKeys.set(participants, key);
  }
  return key;
}

export function parseDecisionCached(input: { text: string; owners?: string; due?: string }, ctx: ParseContext): ParsedDecision {
  const key = JSON.stringify([input.text, input.owners ?? '', input.due ?? '', ctx.meetingDate]) + namesKey(ctx.participants);
  let hit = cache.get(key);
  if (!hit) {
    hit = parseDecision(input, ctx);
    // Oldest first out: a Map iterates in insertion order.
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  return hit;
}
