/** The template store contract: every TemplateStore implementation passes this suite (engines.ts). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHIPPED_TEMPLATES_DIR } from '../../server/templates/template-service.js';
import { BoardTemplate } from '../../shared/templates.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

const retrospective = BoardTemplate.parse(JSON.parse(fs.readFileSync(`${SHIPPED_TEMPLATES_DIR}/retrospective.json`, 'utf8')));
const template = (id: string, name = `Template ${id}`): BoardTemplate => ({ ...retrospective, id, name });

describe.each(ENGINES)('$name template store', (engine) => {
  const open = storesOn(engine);

  it('reads a saved template back whole after reopening; an unknown id is null', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    expect(await stores.templates.save({ template: template('t1'), sourceBoardId: 'b', createdAt: 5 }, { maxPerBoard: 10 })).toEqual({ ok: true });
    const again = await reopen();
    expect(await again.templates.get('t1')).toEqual({ template: template('t1'), sourceBoardId: 'b', createdAt: 5 });
    expect(await again.templates.get('t2')).toBeNull();
  });

  it('lists summaries by ids held or by source board, newest first, never all', async () => {
    const { stores } = await open();
    await addBoard(stores, 'a');
    await addBoard(stores, 'b');
    const bound = { maxPerBoard: 10 };
    await stores.templates.save({ template: template('t1'), sourceBoardId: 'a', createdAt: 1 }, bound);
    await stores.templates.save({ template: template('t2'), sourceBoardId: 'a', createdAt: 2 }, bound);
    await stores.templates.save({ template: template('t3'), sourceBoardId: 'b', createdAt: 3 }, bound);
    await stores.templates.save({ template: template('t4'), sourceBoardId: null, createdAt: 4 }, bound);
    const ids = async (scope: Parameters<typeof stores.templates.list>[0]) => (await stores.templates.list(scope)).map((t) => t.id);
    expect(await ids({ kind: 'board', boardId: 'a' })).toEqual(['t2', 't1']);
    expect(await ids({ kind: 'ids', ids: ['t1', 't4', 'unknown'] })).toEqual(['t4', 't1']);
    expect(await ids({ kind: 'ids', ids: [] })).toEqual([]);
    const [summary] = await stores.templates.list({ kind: 'ids', ids: ['t3'] });
    expect(summary).toEqual({
      id: 't3',
      name: 'Template t3',
      description: retrospective.description,
      source: 'saved',
      title: retrospective.title,
      purpose: retrospective.purpose,
      counts: { agenda: retrospective.cards.agenda.length, needs: retrospective.cards.needs.length, challenges: retrospective.cards.challenges.length },
      minutes: retrospective.cards.agenda.reduce((sum, c) => sum + (c.timebox ?? 0), 0),
    });
  });

  it('refuses a save past the bound per source board, storing nothing', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    const bound = { maxPerBoard: 2 };
    await stores.templates.save({ template: template('t1'), sourceBoardId: 'b', createdAt: 1 }, bound);
    await stores.templates.save({ template: template('t2'), sourceBoardId: 'b', createdAt: 2 }, bound);
    expect(await stores.templates.save({ template: template('t3'), sourceBoardId: 'b', createdAt: 3 }, bound)).toEqual({ ok: false, reason: 'board_full' });
    expect(await stores.templates.get('t3')).toBeNull();
  });

  it('two instances saving from one board at once never pass the bound together', async () => {
    const { stores, openAgain } = await open();
    await addBoard(stores, 'b');
    const other = await openAgain();
    const bound = { maxPerBoard: 3 };
    const saves = (set: typeof stores, prefix: string) =>
      Array.from({ length: 10 }, (_, i) => set.templates.save({ template: template(`${prefix}${i}`), sourceBoardId: 'b', createdAt: i }, bound));
    // Connections opened beforehand, so the saves below run side by side rather than one per new connection.
    await Promise.all([stores, other].flatMap((set) => Array.from({ length: 10 }, () => set.templates.get('none'))));
    const results = await Promise.all([...saves(stores, 'here'), ...saves(other, 'there')]);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await stores.templates.list({ kind: 'board', boardId: 'b' })).toHaveLength(3);
  });

  it('a template outlives the board it was saved from', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.templates.save({ template: template('t1'), sourceBoardId: 'b', createdAt: 1 }, { maxPerBoard: 10 });
    await stores.boards.deleteBoard('b');
    expect((await stores.templates.get('t1'))?.template).toEqual(template('t1'));
  });
});
