-- briefwire's state on PostgreSQL: what the files backend keeps under .briefwire/.
-- Each table's comment names the file it stands for. Addresses are stored lower-cased
-- and the CHECKs refuse anything else, so "Ann@x" and "ann@x" can never be two readers.

-- Which migration this database is at: one row, checked by every command at start.
CREATE TABLE schema_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version integer NOT NULL
);

-- subscribers.jsonl, as a log (export writes it back line for line) ...
CREATE TABLE subscriber_events (
  id bigserial PRIMARY KEY,
  event text NOT NULL CHECK (event IN ('requested', 'confirmed')),
  address text NOT NULL CHECK (address = lower(address)),
  name text,
  at timestamptz NOT NULL,
  consent text,
  requested_at timestamptz,
  UNIQUE (event, address, at)
);

-- ... and as the current state the server and the sender read.
CREATE TABLE subscribers (
  address text PRIMARY KEY CHECK (address = lower(address)),
  name text,
  -- the last confirmation email not confirmed since: the hourly throttle reads and sets it in one statement
  pending_since timestamptz,
  first_confirmed_at timestamptz,
  confirmed_at timestamptz,
  consent text
);

-- suppressed.jsonl, as a log ...
CREATE TABLE suppression_events (
  id bigserial PRIMARY KEY,
  address text NOT NULL CHECK (address = lower(address)),
  at timestamptz NOT NULL,
  via text NOT NULL,
  reason text CHECK (reason IN ('unsubscribed', 'hard-bounce', 'soft-bounce', 'complaint')),
  source text,
  lifted boolean NOT NULL DEFAULT false,
  UNIQUE (address, at, lifted)
);

-- ... and as the current state: one row per address ever suppressed; active until lifted.
CREATE TABLE suppressions (
  address text PRIMARY KEY CHECK (address = lower(address)),
  reason text NOT NULL,
  at timestamptz NOT NULL,
  last_suppressed_at timestamptz NOT NULL,
  active boolean NOT NULL
);

-- feedback.jsonl: bounces and complaints; the id makes a re-read or a webhook retry a no-op.
CREATE TABLE feedback_events (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('hard-bounce', 'soft-bounce', 'complaint')),
  address text NOT NULL CHECK (address = lower(address)),
  at timestamptz NOT NULL,
  via text NOT NULL,
  status text,
  detail text,
  message_id text,
  recorded bigserial
);
CREATE INDEX feedback_events_address ON feedback_events (address, kind, at);

-- slots.jsonl: skipped slots and slots already reported as missing their edition.
CREATE TABLE slot_records (
  slot text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('skip', 'reported')),
  at timestamptz NOT NULL,
  PRIMARY KEY (slot, kind)
);

-- sends/<date>.jsonl, split in three: the runs, one row per recipient, and the runs that finished.
CREATE TABLE send_runs (
  id bigserial PRIMARY KEY,
  edition text NOT NULL,
  started_at timestamptz NOT NULL,
  host text NOT NULL,
  pid integer NOT NULL,
  -- with host and pid, tells a sender on this host whether the run's process is gone (util/process-owner.ts)
  boot_time bigint NOT NULL,
  resend_unknown boolean NOT NULL,
  list_id text,
  -- a sender beats while it runs; a claim whose run stopped beating is an unknown outcome
  heartbeat_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX send_runs_edition ON send_runs (edition, id);

-- state: queued (listed, not handed over), attempt (claimed and maybe handed to the transport),
-- sent, failed (permanent or not), unconfirmed (the body went out, the answer did not come back).
CREATE TABLE deliveries (
  edition text NOT NULL,
  address text NOT NULL CHECK (address = lower(address)),
  position bigint NOT NULL,
  display text NOT NULL,
  name text,
  state text NOT NULL CHECK (state IN ('queued', 'attempt', 'sent', 'failed', 'unconfirmed')),
  permanent boolean NOT NULL DEFAULT false,
  tries integer NOT NULL DEFAULT 0,
  run_id bigint REFERENCES send_runs (id),
  claimed_at timestamptz,
  updated_at timestamptz,
  code integer,
  error text,
  response text,
  PRIMARY KEY (edition, address)
);
CREATE INDEX deliveries_queue ON deliveries (edition, position) WHERE state = 'queued';

CREATE TABLE send_done (
  edition text NOT NULL,
  at timestamptz NOT NULL,
  sent integer NOT NULL,
  failed integer NOT NULL,
  retry_later integer NOT NULL,
  unknown integer NOT NULL,
  PRIMARY KEY (edition, at)
);

-- --rate across every sender of an edition: each message takes the next free instant.
CREATE TABLE send_pace (
  edition text PRIMARY KEY,
  next_at timestamptz NOT NULL
);
