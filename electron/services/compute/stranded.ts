// What the compute module tells about an archived wallet file (issue 13): redemptions still
// waiting for the platform's answer. Read-only, over the module's own table.
import type Database from 'better-sqlite3';

export interface UnansweredRedemption {
  request_id: string;
  tokens: string;
}

export function unansweredRedemptionsIn(db: Database.Database, limit: number): UnansweredRedemption[] {
  return db.prepare(`SELECT request_id, tokens FROM redemptions WHERE state = 'pending' ORDER BY created_ms LIMIT ?`).all(limit) as UnansweredRedemption[];
}
