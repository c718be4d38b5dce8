/**
 * The suppression view on PostgreSQL: the same rules as the file's
 * (suppression.ts), fed by the suppression events recorded since the last
 * read, so a long send picks up an unsubscribe recorded by any server.
 */
import type { Problem } from '../../problems.js';
import { DatabaseError, type Database } from '../../state/database.js';
import { SuppressionView, type SuppressionReason } from '../audience/suppression.js';
import { iso } from './postgres-rows.js';

interface EventRow {
  id: string;
  address: string;
  at: Date;
  reason: SuppressionReason | null;
  lifted: boolean;
}

export class PostgresSuppressions extends SuppressionView {
  private lastId = 0;

  constructor(private readonly db: Database) {
    super();
  }

  async refresh(): Promise<Problem[]> {
    try {
      for (const row of await this.db.run<EventRow>('suppressions-since', [this.lastId])) {
        this.apply({ address: row.address, at: iso(row.at)!, ...(row.reason ? { reason: row.reason } : {}), ...(row.lifted ? { lifted: true } : {}) });
        this.lastId = Math.max(this.lastId, Number(row.id));
      }
      return [];
    } catch (e) {
      if (e instanceof DatabaseError) return [e.problem];
      throw e;
    }
  }
}
