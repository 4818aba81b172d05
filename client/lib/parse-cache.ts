/**
 * `parseDecision` with a small memo. Every edit anywhere on the board gives each card a fresh decision
 * object, and chrono is not free: without this, each keystroke would re-read every decision's date.
 */
import { parseDecision, type ParseContext, type ParsedDecision } from '../../shared/decisions.js';

const MAX = 500;
const cache = new Map<string, ParsedDecision>();

export function parseDecisionCached(input: { text: string; owners?: string; due?: string }, ctx: ParseContext): ParsedDecision {
  const key = JSON.stringify([input.text, input.owners ?? '', input.due ?? '', ctx.meetingDate, ctx.participants ?? []]);
  let hit = cache.get(key);
  if (!hit) {
    hit = parseDecision(input, ctx);
    // Oldest first out: a Map iterates in insertion order.
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  return hit;
}
