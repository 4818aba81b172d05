import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDecision, cardText, createCard, initBoard, LIMITS, metaMap, cardsMap } from '../../shared/board-schema.js';
import { checkUpdate, type BoardSize } from '../../server/sync/update-guard.js';
import { countItems } from '../../server/sync/board-registry.js';

const roomy = { maxBytes: 64 * 1024 * 1024, maxItems: 10_000_000 };

/** A server-side board and a client that holds the same state. */
function pair(): { server: Y.Doc; client: Y.Doc; card: string } {
  const server = new Y.Doc();
  initBoard(server, { title: 'Weekly sync', createdAt: Date.UTC(2026, 11, 2) });
  const card = createCard(server, { column: 'agenda', title: 'Launch', notes: 'Plan' });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client, card };
}

/** The update `change` makes on the client, checked against the server's board. */
function check(p: { server: Y.Doc; client: Y.Doc }, change: (doc: Y.Doc) => void, limits = roomy, size?: BoardSize) {
  const before = Y.encodeStateVector(p.client);
  change(p.client);
  const update = Y.encodeStateAsUpdate(p.client, before);
  const verdict = checkUpdate(p.server, update, size ?? { bytes: Y.encodeStateAsUpdate(p.server).length, items: countItems(p.server) }, limits);
  if (verdict.ok) Y.applyUpdate(p.server, update);
  return verdict;
}

describe('the update guard', () => {
  it('lets ordinary editing through: cards, typing, decisions, moves and deletes', () => {
    const p = pair();
    expect(check(p, (d) => createCard(d, { column: 'needs', asker: 'Ana', addressee: 'Ben', what: 'Budget numbers' })).ok).toBe(true);
    expect(check(p, (d) => cardText(d, p.card, 'notes')!.insert(4, ' for the launch')).ok).toBe(true);
    expect(check(p, (d) => addDecision(d, p.card, { text: '@Sam calls the supplier by Friday', decidedBy: 'Ana' })).ok).toBe(true);
    expect(check(p, (d) => cardsMap(d).delete(p.card)).ok).toBe(true);
    expect(check(p, (d) => metaMap(d).set('purpose', 'Unblock each other')).ok).toBe(true);
  });

  it('bounds each text field by its key, counting what the same update deletes', () => {
    const p = pair();
    const notes = (d: Y.Doc) => cardText(d, p.card, 'notes')!;
    expect(check(p, (d) => notes(d).insert(0, 'x'.repeat(LIMITS.longText - 4))).ok).toBe(true);
    const over = check(p, (d) => notes(d).insert(0, 'y'));
    expect(over).toMatchObject({ ok: false, kind: 'invalid' });
    expect(over.ok || over.reason).toContain('"notes"');
    // Replacing the whole text at once is a delete and an insert: it fits.
    expect(
      check(p, (d) =>
        d.transact(() => {
          notes(d).delete(0, notes(d).length);
          notes(d).insert(0, 'z'.repeat(LIMITS.longText));
        }),
      ).ok,
    ).toBe(true);
    // A title is shorter than notes.
    expect(check(p, (d) => cardText(d, p.card, 'title')!.insert(0, 't'.repeat(LIMITS.shortText))).ok).toBe(false);
  });

  it('refuses a 40 KB decision and a 1 MB one, typed in one go or with later keystrokes', () => {
    const p = pair();
    const crafted = 'by' + ' '.repeat(40_000) + '. tomorrow';
    expect(check(p, (d) => addDecision(d, p.card, { text: crafted, decidedBy: 'Mallory' })).ok).toBe(false);
    expect(check(p, (d) => addDecision(d, p.card, { text: 'a'.repeat(1024 * 1024), decidedBy: 'Mallory' })).ok).toBe(false);
    const id = addDecision(p.client, p.card, { text: 'short', decidedBy: 'Ana' })!;
    Y.applyUpdate(p.server, Y.encodeStateAsUpdate(p.client));
    const text = (d: Y.Doc) =>
      (cardsMap(d).get(p.card)!.get('decisions') as Y.Array<Y.Map<unknown>>)
        .toArray()
        .find((x) => x.get('id') === id)!
        .get('text') as Y.Text;
    expect(check(p, (d) => text(d).insert(5, 'b'.repeat(LIMITS.longText))).ok).toBe(false);
  });

  it('refuses values out of range and nesting past the schema, at any depth of a client’s making', () => {
    const p = pair();
    expect(check(p, (d) => metaMap(d).set('createdAt', 1e16))).toMatchObject({ ok: false, kind: 'invalid' });
    expect(check(p, (d) => cardsMap(d).get(p.card)!.set('timebox', 1e9)).ok).toBe(false);
    expect(
      check(p, (d) =>
        cardsMap(d)
          .get(p.card)!
          .set('owner', 'o'.repeat(LIMITS.name + 1)),
      ).ok,
    ).toBe(false);
    expect(check(p, (d) => metaMap(d).set('title', 'x'.repeat(LIMITS.title + 1))).ok).toBe(false);
    // Built level by level, as a client can, in one transaction: one update of 20,000 nested maps.
    const nested = (depth: number) => (d: Y.Doc) =>
      d.transact(() => {
        let m = new Y.Map<unknown>();
        cardsMap(d).get(p.card)!.set('deep', m);
        for (let i = 0; i < depth; i++) {
          const inner = new Y.Map<unknown>();
          m.set('x', inner);
          m = inner;
        }
      });
    expect(check(p, nested(3)).ok).toBe(true);
    expect(check(p, nested(20_000)).ok).toBe(false);
    expect(check(p, (d) => metaMap(d).set('blob', JSON.parse('['.repeat(50) + ']'.repeat(50)))).ok).toBe(false);
    expect(check(p, (d) => metaMap(d).set('sub', new Y.Doc())).ok).toBe(false);
  });

  it('bounds the board by bytes and by items, before anything is applied', () => {
    const p = pair();
    const size = { bytes: Y.encodeStateAsUpdate(p.server).length, items: countItems(p.server) };
    const full = check(p, (d) => createCard(d, { column: 'agenda', title: 'One more' }), { maxBytes: size.bytes + 10, maxItems: 1e9 }, size);
    expect(full).toMatchObject({ ok: false, kind: 'full' });
    // Many tiny unmergeable items: each its own struct.
    const tiny = check(
      p,
      (d) => {
        const arr = new Y.Array<number>();
        metaMap(d).set('many', arr);
        for (let i = 0; i < 2000; i++) d.transact(() => arr.insert(i % 2 ? 0 : arr.length, [i]));
      },
      { maxBytes: 1e9, maxItems: size.items + 1000 },
      size,
    );
    expect(tiny).toMatchObject({ ok: false, kind: 'full' });
  });

  it('lets through an update whose dependencies come later, once, and bounded', () => {
    const p = pair();
    const first = new Y.Doc();
    Y.applyUpdate(first, Y.encodeStateAsUpdate(p.client));
    const sv = Y.encodeStateVector(first);
    createCard(first, { column: 'agenda', title: 'From another tab' });
    const dependency = Y.encodeStateAsUpdate(first, sv);
    // The second tab types into the first tab's card before the server has it.
    const second = new Y.Doc();
    Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
    const before = Y.encodeStateVector(second);
    const id = [...cardsMap(second).keys()].find((k) => k !== p.card)!;
    cardText(second, id, 'title')!.insert(0, 'Typed: ');
    const dependent = Y.encodeStateAsUpdate(second, before);
    const size = { bytes: 0, items: countItems(p.server) };
    expect(checkUpdate(p.server, dependent, size, roomy).ok).toBe(true);
    Y.applyUpdate(p.server, dependent);
    expect(p.server.store.pendingStructs).not.toBeNull();
    // While those wait, another update with missing dependencies is refused.
    expect(checkUpdate(p.server, dependent, size, roomy).ok).toBe(false);
    expect(checkUpdate(p.server, dependency, size, roomy).ok).toBe(true);
    Y.applyUpdate(p.server, dependency);
    expect(p.server.store.pendingStructs).toBeNull();
    expect(cardText(p.server, id, 'title')!.toString()).toBe('Typed: From another tab');
  });
});
