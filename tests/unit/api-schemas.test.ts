import { describe, expect, it } from 'vitest';
import { CreateBoardBody, CreateCardBody, UpdateBoardBody, describeZodError } from '../../shared/api-schemas.js';
import { isBoardId, randomId } from '../../shared/ids.js';
import { configFromEnv } from '../../server/config.js';

const error = (schema: { safeParse(v: unknown): { success: boolean; error?: any } }, value: unknown) => {
  const r = schema.safeParse(value);
  expect(r.success).toBe(false);
  return describeZodError(r.error);
};

describe('REST payload validation', () => {
  it('accepts a board with a title and trims it', () => {
    expect(CreateBoardBody.parse({ title: '  Weekly sync ', purpose: 'Unblock' })).toEqual({ title: 'Weekly sync', purpose: 'Unblock' });
  });

  it('names the offending field', () => {
    expect(error(CreateBoardBody, { title: '' })).toEqual({ message: 'title: must not be empty', field: 'title' });
    expect(error(CreateBoardBody, { title: 'x'.repeat(201) })).toEqual({ message: 'title: must be at most 200 characters', field: 'title' });
    expect(error(CreateBoardBody, { title: 42 }).field).toBe('title');
    expect(error(CreateBoardBody, { title: 'ok', colour: 'red' })).toEqual({ message: 'unknown field: colour', field: 'colour' });
    expect(error(UpdateBoardBody, {}).message).toMatch(/title or a purpose/);
  });

  it('validates each card kind by its column', () => {
    expect(CreateCardBody.parse({ column: 'agenda', title: 'Wins', timebox: 5 })).toEqual({ column: 'agenda', title: 'Wins', timebox: 5 });
    expect(error(CreateCardBody, { column: 'kanban', title: 'x' })).toEqual({ message: 'column must be one of agenda, needs, challenges', field: 'column' });
    expect(error(CreateCardBody, { column: 'agenda', title: 'x', timebox: 2.5 })).toEqual({ message: 'timebox: must be whole minutes', field: 'timebox' });
    expect(error(CreateCardBody, { column: 'agenda', title: 'x', timebox: 0 }).field).toBe('timebox');
    expect(error(CreateCardBody, { column: 'needs', asker: 'A', addressee: 'B', what: 'x', byWhen: 'Friday' }).field).toBe('byWhen');
    expect(error(CreateCardBody, { column: 'needs', asker: 'A', addressee: 'B', what: 'x', byWhen: '2026-02-31' }).message).toBe('byWhen: is not a real date');
    expect(error(CreateCardBody, { column: 'needs', asker: 'A', what: 'x' }).field).toBe('addressee');
    expect(error(CreateCardBody, { column: 'challenges', problem: 'x', status: 'stuck' }).field).toBe('status');
    expect(CreateCardBody.parse({ column: 'needs', asker: 'A', addressee: 'B', what: 'x', byWhen: '' })).toMatchObject({ byWhen: '' });
  });
});

describe('ids', () => {
  it('random ids are URL-safe board ids and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isBoardId(id)).toBe(true);
    expect(isBoardId('../etc/passwd')).toBe(false);
    expect(isBoardId('a b')).toBe(false);
  });
});

describe('config from the environment', () => {
  it('has sane defaults', () => {
    expect(configFromEnv({})).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: './data', maxMessageBytes: 1048576 });
  });
  it('reads variables and names every bad one', () => {
    expect(configFromEnv({ PORT: '8080', DATA_DIR: '/srv/mb' })).toMatchObject({ port: 8080, dataDir: '/srv/mb' });
    expect(() => configFromEnv({ PORT: 'eighty', PUBLIC_URL: 'not a url' })).toThrow(/PORT[\s\S]*PUBLIC_URL/);
  });
  it('prefixes Redis keys with meshboard: unless REDIS_PREFIX names another prefix of safe characters', () => {
    expect(configFromEnv({}).redisPrefix).toBe('meshboard:');
    expect(configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'team-a.prod:' })).toMatchObject({ redisPrefix: 'team-a.prod:' });
    expect(() => configFromEnv({ REDIS_PREFIX: 'two words' })).toThrow(/REDIS_PREFIX/);
    expect(() => configFromEnv({ REDIS_PREFIX: 'x'.repeat(65) })).toThrow(/REDIS_PREFIX/);
    expect(() => configFromEnv({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
  });
});
