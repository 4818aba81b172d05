/** The rows of named versions as both engines return them, and the records they make. */
import type { VersionInfo } from '../../shared/history-schemas.js';

export interface VersionRow {
  id: string;
  name: string;
  created_at: number;
  created_by: string;
}

export const info = (r: VersionRow): VersionInfo => ({ id: r.id, name: r.name, createdAt: r.created_at, by: r.created_by });
