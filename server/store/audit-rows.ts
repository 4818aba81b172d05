/** The rows of the audit trail as both engines return them, and the entries they make. */
import type { AuditAction, AuditEntry } from '../../shared/history-schemas.js';

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  role: string;
  action: AuditAction;
  card_id: string | null;
  field: string | null;
  summary: string;
}

export const fromRow = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  role: r.role,
  action: r.action,
  cardId: r.card_id,
  field: r.field,
  summary: r.summary,
});
