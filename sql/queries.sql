-- Every statement the PostgreSQL backend runs, by name (src/state/queries.ts reads this
-- file). Changes of state are single statements or transactions of a few: a conditional
-- INSERT ... ON CONFLICT or UPDATE ... WHERE decides, never a read followed by a write.

-- name: schema-table-exists
-- False when no migration ever ran here.
SELECT to_regclass('schema_version') IS NOT NULL AS present;

-- name: schema-version
SELECT coalesce(max(version), 0) AS version FROM schema_version;

-- name: migrate-lock
-- Two `state migrate` at once: the second waits here, then finds nothing left to do.
SELECT pg_advisory_xact_lock(hashtext('briefwire-migrate'));

-- name: set-schema-version
INSERT INTO schema_version (only_row, version) VALUES (true, $1)
ON CONFLICT (only_row) DO UPDATE SET version = excluded.version;

-- ---------------------------------------------------------------- suppressions

-- name: suppressions-since
-- Every suppression event after id $1, in order: the sender re-reads only what is new.
SELECT id, address, at, reason, lifted FROM suppression_events WHERE id > $1 ORDER BY id;

-- name: insert-suppression-event
INSERT INTO suppression_events (address, at, via, reason, source, lifted)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (address, at, lifted) DO NOTHING
RETURNING id;

-- name: suppress
-- The first reason stands while the address stays suppressed; a new suppression after a
-- lift starts over with its own reason.
INSERT INTO suppressions AS s (address, reason, at, last_suppressed_at, active)
VALUES ($1, $2, $3, $3, true)
ON CONFLICT (address) DO UPDATE SET
  reason = CASE WHEN s.active THEN s.reason ELSE excluded.reason END,
  at = CASE WHEN s.active THEN s.at ELSE excluded.at END,
  last_suppressed_at = greatest(s.last_suppressed_at, excluded.at),
  active = true;

-- name: lift-suppression
UPDATE suppressions SET active = false WHERE address = $1 AND active RETURNING address;

-- name: suppression-events-all
SELECT address, at, via, reason, source, lifted FROM suppression_events ORDER BY id;

-- ---------------------------------------------------------------- subscribers

-- name: subscriber-events-all
SELECT event, address, name, at, consent, requested_at FROM subscriber_events ORDER BY id;

-- name: confirmed-subscribers
SELECT address, name, confirmed_at, consent FROM subscribers
WHERE confirmed_at IS NOT NULL ORDER BY first_confirmed_at, address;

-- name: subscriber
SELECT address, name, confirmed_at, consent FROM subscribers WHERE address = $1 AND confirmed_at IS NOT NULL;

-- name: pending-subscribers
SELECT address, pending_since FROM subscribers WHERE pending_since IS NOT NULL;

-- name: request-confirmation
-- The hourly throttle as one statement: a row comes back only when no confirmation email
-- went to the address in the last hour, whichever server sent it, with the time it replaced
-- (to put back if the email then fails).
WITH before AS (SELECT pending_since FROM subscribers WHERE address = $1)
INSERT INTO subscribers AS s (address, pending_since) VALUES ($1, $2)
ON CONFLICT (address) DO UPDATE SET pending_since = excluded.pending_since
WHERE s.pending_since IS NULL OR s.pending_since <= excluded.pending_since - $3 * interval '1 millisecond'
RETURNING (SELECT pending_since FROM before) AS previous;

-- name: release-confirmation
-- The email did not go out: the throttle forgets it, unless another request came since.
UPDATE subscribers SET pending_since = $3 WHERE address = $1 AND pending_since = $2;

-- name: insert-subscriber-event
INSERT INTO subscriber_events (event, address, name, at, consent, requested_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (event, address, at) DO NOTHING
RETURNING id;

-- name: confirm-subscriber
-- The earliest consent stays on record beside the latest one's details.
INSERT INTO subscribers AS s (address, name, pending_since, first_confirmed_at, confirmed_at, consent)
VALUES ($1, $2, NULL, $3, $3, $4)
ON CONFLICT (address) DO UPDATE SET
  name = coalesce(excluded.name, s.name),
  pending_since = CASE WHEN s.pending_since <= excluded.confirmed_at THEN NULL ELSE s.pending_since END,
  first_confirmed_at = least(s.first_confirmed_at, excluded.first_confirmed_at),
  confirmed_at = greatest(s.confirmed_at, excluded.confirmed_at),
  consent = CASE WHEN s.confirmed_at > excluded.confirmed_at THEN s.consent ELSE excluded.consent END;

-- ---------------------------------------------------------------- feedback

-- name: lock-address
-- Serialises feedback for one address (soft bounces are counted, then judged).
SELECT pg_advisory_xact_lock(hashtext('briefwire-address:' || $1));

-- name: insert-feedback
INSERT INTO feedback_events (id, kind, address, at, via, status, detail, message_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: soft-bounces-of
SELECT at FROM feedback_events WHERE address = $1 AND kind = 'soft-bounce' AND id <> $2;

-- name: is-suppressed
SELECT reason FROM suppressions WHERE address = $1 AND active;

-- name: feedback-all
SELECT id, kind, address, at, via, status, detail, message_id FROM feedback_events ORDER BY recorded;

-- ---------------------------------------------------------------- slots

-- name: slot-records
SELECT slot, kind, at FROM slot_records ORDER BY at, slot;

-- name: insert-slot-record
INSERT INTO slot_records (slot, kind, at) VALUES ($1, $2, $3) ON CONFLICT (slot, kind) DO NOTHING RETURNING slot;

-- ---------------------------------------------------------------- sends

-- name: editions-sent
SELECT edition FROM send_runs UNION SELECT edition FROM deliveries ORDER BY edition;

-- name: runs-of
SELECT id, started_at, host, pid, resend_unknown, list_id FROM send_runs WHERE edition = $1 ORDER BY id;

-- name: newest-list-id
-- (An import's run carries no List-Id of its own: it is not a send.)
SELECT list_id FROM send_runs WHERE host <> 'briefwire-import'
  AND edition = (SELECT max(edition) FROM send_runs WHERE host <> 'briefwire-import') ORDER BY id DESC LIMIT 1;

-- name: deliveries-of
SELECT address, state, permanent, tries, claimed_at, updated_at, code, error, response FROM deliveries
WHERE edition = $1 AND state <> 'queued' ORDER BY position;

-- name: last-done
SELECT at, sent, failed, retry_later, unknown FROM send_done WHERE edition = $1 ORDER BY at DESC LIMIT 1;

-- name: dones-of
SELECT at, sent, failed, retry_later, unknown FROM send_done WHERE edition = $1 ORDER BY at;

-- name: start-run
INSERT INTO send_runs (edition, started_at, host, pid, boot_time, resend_unknown, list_id, heartbeat_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, now())
RETURNING id;

-- name: open-runs-on
-- Runs of an edition on this host that never ended: the caller asks whether their processes are alive.
SELECT id, pid, boot_time FROM send_runs WHERE edition = $1 AND host = $2 AND ended_at IS NULL;

-- name: end-runs
-- Runs whose process is gone (killed): their claims are unknown from now on, not in flight.
UPDATE send_runs SET ended_at = now() WHERE id = ANY($1::bigint[]) AND ended_at IS NULL;

-- name: beat
UPDATE send_runs SET heartbeat_at = now() WHERE id = $1;

-- name: end-run
UPDATE send_runs SET ended_at = now() WHERE id = $1;

-- name: enqueue
-- Lists recipients for an edition; every sender of it does this, and the first wins.
INSERT INTO deliveries (edition, address, position, display, name, state)
SELECT $1, a, p, d, n, 'queued' FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS t(a, p, d, n)
ON CONFLICT (edition, address) DO NOTHING;

-- name: claim-next
-- The next queued recipient no sender holds, claimed in one statement (FOR UPDATE SKIP
-- LOCKED: any number of senders share the list without waiting on each other). Queued
-- rows are read in list order from the partial index deliveries_queue, so a claim costs
-- the same at the list's end as at its start. Suppressed addresses are passed over.
-- The worker's previous outcome ($4: the address, null on its first claim; $5 to $10 as
-- in record-outcome) is recorded in the same statement, so one commit per message: the
-- outcome is durable before the next message is handed over, as in the file ledger's
-- group commit.
WITH recorded AS (
  UPDATE deliveries SET state = $5, permanent = $6, code = $7, error = $8, response = $9, updated_at = $10
  WHERE edition = $1 AND address = $4 AND run_id = $2 AND state <> 'sent'
  RETURNING address
)
UPDATE deliveries d SET state = 'attempt', tries = d.tries + 1, run_id = $2, claimed_at = $3, updated_at = $3
WHERE (d.edition, d.address) = (
  SELECT q.edition, q.address FROM deliveries q
  WHERE q.edition = $1 AND q.state = 'queued'
    AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address = q.address AND s.active)
  ORDER BY q.position
  LIMIT 1
  FOR UPDATE OF q SKIP LOCKED
)
RETURNING d.address, d.display, d.name, d.tries;

-- name: claim-left
-- Once nothing is queued: a recipient whose temporary failure was left by a run that has
-- stopped; or, with --resend-unknown ($4), an unknown outcome left by a run that has
-- stopped. A run that stopped either ended or no longer beats (it died).
UPDATE deliveries d SET state = 'attempt', tries = d.tries + 1, run_id = $2, claimed_at = $3, updated_at = $3
WHERE (d.edition, d.address) = (
  SELECT q.edition, q.address FROM deliveries q
  JOIN send_runs r ON r.id = q.run_id
  WHERE q.edition = $1 AND q.run_id <> $2
    AND (r.ended_at IS NOT NULL OR r.heartbeat_at < now() - $5 * interval '1 millisecond')
    AND ((q.state = 'failed' AND NOT q.permanent) OR ($4 AND q.state IN ('attempt', 'unconfirmed')))
    AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address = q.address AND s.active)
  ORDER BY q.position
  LIMIT 1
  FOR UPDATE OF q SKIP LOCKED
)
RETURNING d.address, d.display, d.name, d.tries;

-- name: reclaim
-- A retry after a temporary failure, by the run that holds the recipient.
UPDATE deliveries SET state = 'attempt', tries = tries + 1, claimed_at = $4, updated_at = $4
WHERE edition = $1 AND address = $2 AND run_id = $3 AND state = 'failed' AND NOT permanent
RETURNING tries;

-- name: record-outcome
-- Only the run that claimed a recipient records its outcome, and a `sent` is never overwritten.
UPDATE deliveries SET state = $4, permanent = $5, code = $6, error = $7, response = $8, updated_at = $9
WHERE edition = $1 AND address = $2 AND run_id = $3 AND state <> 'sent';

-- name: edition-tally
-- What the listed recipients of an edition are now, for a run's closing summary.
SELECT
  count(*) FILTER (WHERE state = 'sent') AS sent,
  count(*) FILTER (WHERE state = 'failed' AND permanent) AS failed_permanent,
  count(*) FILTER (WHERE state = 'failed' AND NOT permanent) AS failed_temporary,
  count(*) FILTER (WHERE state IN ('attempt', 'unconfirmed')) AS unknown
FROM deliveries WHERE edition = $1;

-- name: run-tally
SELECT
  count(*) FILTER (WHERE state = 'sent') AS sent,
  count(*) FILTER (WHERE state = 'failed' AND permanent) AS failed_permanent
FROM deliveries WHERE edition = $1 AND run_id = $2;

-- name: unknown-of
-- Unknown outcomes no live sender is working on (a stopped run's claims), in list order.
SELECT d.address FROM deliveries d JOIN send_runs r ON r.id = d.run_id
WHERE d.edition = $1 AND d.state IN ('attempt', 'unconfirmed') AND d.run_id <> $2
  AND (r.ended_at IS NOT NULL OR r.heartbeat_at < now() - $3 * interval '1 millisecond')
ORDER BY d.position;

-- name: suppressed-listed
-- Listed recipients passed over because they are suppressed, per reason.
SELECT s.reason, count(*) AS n FROM deliveries d JOIN suppressions s ON s.address = d.address AND s.active
WHERE d.edition = $1 AND (d.state = 'queued' OR (d.state = 'failed' AND NOT d.permanent))
GROUP BY s.reason;

-- name: record-done
INSERT INTO send_done (edition, at, sent, failed, retry_later, unknown) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (edition, at) DO NOTHING;

-- name: pace
-- --rate shared by every sender of an edition: each message takes the next free instant,
-- $2 milliseconds after the one before, and waits for it.
INSERT INTO send_pace AS p (edition, next_at) VALUES ($1, clock_timestamp())
ON CONFLICT (edition) DO UPDATE SET next_at = greatest(p.next_at + $2 * interval '1 millisecond', clock_timestamp())
RETURNING extract(epoch FROM (next_at - clock_timestamp())) * 1000 AS wait_ms;

-- ---------------------------------------------------------------- export and import

-- name: snapshot-isolation
-- The first statement of an export's transaction: every read after it sees one instant.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;

-- name: import-run
INSERT INTO send_runs (edition, started_at, host, pid, boot_time, resend_unknown, list_id, heartbeat_at, ended_at)
VALUES ($1, $2, 'briefwire-import', 0, 0, false, NULL, $2, $2)
RETURNING id;

-- name: import-delivery
-- The stronger word wins (sent, then unknown, then a permanent, then a temporary failure);
-- an import never weakens what the database holds.
INSERT INTO deliveries AS d (edition, address, position, display, state, permanent, tries, run_id, claimed_at, updated_at)
VALUES ($1, $2, coalesce((SELECT max(position) + 1 FROM deliveries WHERE edition = $1), 0), $2, $3, $4, 1, $5, $6, $6)
ON CONFLICT (edition, address) DO UPDATE SET state = excluded.state, permanent = excluded.permanent, run_id = excluded.run_id, updated_at = excluded.updated_at
WHERE (CASE d.state WHEN 'sent' THEN 4 WHEN 'attempt' THEN 3 WHEN 'unconfirmed' THEN 3 WHEN 'failed' THEN (CASE WHEN d.permanent THEN 2 ELSE 1 END) ELSE 0 END)
    < (CASE excluded.state WHEN 'sent' THEN 4 WHEN 'attempt' THEN 3 WHEN 'failed' THEN (CASE WHEN excluded.permanent THEN 2 ELSE 1 END) ELSE 0 END);
