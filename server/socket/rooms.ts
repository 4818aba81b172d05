/**
 * socket.io room names. A board's room has the same name in the default namespace (board and action
 * events) and in `/meeting` (the meeting's broadcasts); namespaces keep them apart.
 */
export const boardRoom = (boardId: string): string => `board:${boardId}`;

/** One person's room in a board's meeting: what only they may hear (their own dots). */
export const personRoom = (boardId: string, personId: string): string => `board:${boardId}:person:${personId}`;

/** A series' room: changes to the action items of any of its meetings. */
export const seriesRoom = (seriesId: string): string => `series:${seriesId}`;
