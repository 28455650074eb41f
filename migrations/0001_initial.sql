-- 0001_initial: durable history of the coordination cluster.
-- Forward-only: never edit this file once applied (the runner refuses a changed checksum); add
-- 0002_*.sql instead. The runner wraps each file in a transaction: no BEGIN/COMMIT here, and no
-- CREATE INDEX CONCURRENTLY.
-- Conventions: money is integer micro-dollars (`*_micros bigint`, never floating point); times are
-- `timestamptz`; service names are the catalog keys (`stripe`, `twilio`, ...); `node_id` is the node
-- that wrote the row and `request_id` the X-Request-Id it served, so a row joins back to the logs.

-- Who did what, when: budget changes, alerts, optimizations, admin actions.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    node_id     text        NOT NULL,
    actor       text        NOT NULL,              -- JWT `sub`, or 'system' for the node itself
    actor_role  text,                              -- admin / manager / user at the time
    action      text        NOT NULL,              -- dotted verb, e.g. 'budget.update'
    service     text,                              -- NULL for cluster-wide actions
    request_id  text,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_service_at_idx ON audit_log (service, at);
CREATE INDEX audit_log_actor_at_idx ON audit_log (actor, at);
CREATE INDEX audit_log_request_id_idx ON audit_log (request_id) WHERE request_id IS NOT NULL;

-- One row per money movement: what a call actually cost, or what batching/de-duplication saved.
CREATE TABLE cost_events (
    id            bigserial   PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    service       text        NOT NULL,
    operation     text        NOT NULL,
    kind          text        NOT NULL DEFAULT 'actual'
                  CHECK (kind IN ('actual', 'saved_batching', 'saved_dedup')),
    cost_micros   bigint      NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
    saved_micros  bigint      NOT NULL DEFAULT 0 CHECK (saved_micros >= 0),
    units         integer     NOT NULL DEFAULT 1 CHECK (units >= 0),
    batch_id      text,
    request_id    text,
    node_id       text
);
CREATE INDEX cost_events_at_idx ON cost_events (at);
CREATE INDEX cost_events_service_at_idx ON cost_events (service, at);
CREATE INDEX cost_events_batch_id_idx ON cost_events (batch_id) WHERE batch_id IS NOT NULL;

-- Every webhook delivery we accepted, exactly once per provider event id.
CREATE TABLE webhook_events (
    id                 bigserial   PRIMARY KEY,
    service            text        NOT NULL,
    event_id           text        NOT NULL,       -- the provider's id (Stripe `id`, `webhook-id`, ...)
    event_type         text,
    payload            jsonb       NOT NULL,
    headers            jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- without secrets
    verified           boolean     NOT NULL,
    received_at        timestamptz NOT NULL DEFAULT now(),
    node_id            text,
    request_id         text,
    delivery_state     text        NOT NULL DEFAULT 'pending'
                       CHECK (delivery_state IN ('pending', 'delivered', 'failed')),
    delivery_attempts  integer     NOT NULL DEFAULT 0,
    delivered_at       timestamptz,
    last_error         text,
    CONSTRAINT webhook_events_service_event_id_key UNIQUE (service, event_id)
);
CREATE INDEX webhook_events_received_at_idx ON webhook_events (received_at DESC, id DESC);
-- GET /webhook-events?service=...: newest first, keyset cursor on (received_at, id).
CREATE INDEX webhook_events_service_received_idx ON webhook_events (service, received_at DESC, id DESC);
CREATE INDEX webhook_events_undelivered_idx ON webhook_events (received_at)
    WHERE delivery_state <> 'delivered';

-- One row per upstream batch: how many requests it carried and what it cost and saved.
CREATE TABLE batches (
    id                   text        PRIMARY KEY,  -- minted by the batcher (a UUID in text form)
    service              text        NOT NULL,
    operation            text        NOT NULL,
    status               text        NOT NULL DEFAULT 'in_flight'
                         CHECK (status IN ('pending', 'in_flight', 'completed', 'failed')),
    size                 integer     NOT NULL CHECK (size >= 0),        -- distinct items sent
    deduplicated         integer     NOT NULL DEFAULT 0 CHECK (deduplicated >= 0), -- folded duplicates
    upstream_calls       integer     NOT NULL DEFAULT 0 CHECK (upstream_calls >= 0),
    cost_micros          bigint      NOT NULL DEFAULT 0 CHECK (cost_micros >= 0),
    saved_micros         bigint      NOT NULL DEFAULT 0 CHECK (saved_micros >= 0),
    wait_ms              integer,                  -- age of the oldest item when flushed
    upstream_latency_ms  integer,                  -- time the provider took to answer
    node_id              text,
    error                text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    flushed_at           timestamptz,
    completed_at         timestamptz
);
CREATE INDEX batches_created_at_idx ON batches (created_at);
CREATE INDEX batches_service_created_at_idx ON batches (service, created_at);

-- Budget thresholds crossed (automatically or posted by a manager).
CREATE TABLE budget_alerts (
    id             bigserial        PRIMARY KEY,
    service        text             NOT NULL,
    level          text             NOT NULL
                   CHECK (level IN ('ok', 'warning', 'critical', 'throttled', 'emergency', 'blocked')),
    message        text             NOT NULL,
    utilization    double precision,               -- a ratio (0..1+), not money
    spent_micros   bigint,
    limit_micros   bigint,
    actor          text             NOT NULL DEFAULT 'system',
    node_id        text,
    request_id     text,
    created_at     timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX budget_alerts_created_at_idx ON budget_alerts (created_at);
CREATE INDEX budget_alerts_service_created_at_idx ON budget_alerts (service, created_at);

-- Daily cost per service (UTC days): what was spent and what coordination saved.
CREATE VIEW v_daily_cost AS
SELECT (at AT TIME ZONE 'UTC')::date                                           AS day,
       service,
       sum(cost_micros)::bigint                                                AS cost_micros,
       sum(saved_micros)::bigint                                               AS saved_micros,
       (sum(saved_micros) FILTER (WHERE kind = 'saved_batching'))::bigint      AS saved_batching_micros,
       (sum(saved_micros) FILTER (WHERE kind = 'saved_dedup'))::bigint         AS saved_dedup_micros,
       count(*)                                                                AS events
  FROM cost_events
 GROUP BY 1, 2;

-- Batching effectiveness per service and UTC day: requests folded into fewer upstream calls.
CREATE VIEW v_batching_savings AS
SELECT (created_at AT TIME ZONE 'UTC')::date                                   AS day,
       service,
       count(*)                                                                AS batches,
       sum(size + deduplicated)::bigint                                        AS submitted,
       sum(deduplicated)::bigint                                               AS deduplicated,
       sum(upstream_calls)::bigint                                             AS upstream_calls,
       CASE WHEN sum(size + deduplicated) > 0
            THEN 1 - sum(upstream_calls)::double precision / sum(size + deduplicated)
       END                                                                     AS request_reduction,
       avg(size)::double precision                                             AS avg_batch_size,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_ms)                    AS wait_p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY wait_ms)                   AS wait_p99_ms,
       sum(cost_micros)::bigint                                                AS cost_micros,
       sum(saved_micros)::bigint                                               AS saved_micros,
       count(*) FILTER (WHERE status = 'failed')                               AS failed_batches
  FROM batches
 GROUP BY 1, 2;

-- Webhook intake per service and UTC day.
CREATE VIEW v_webhook_daily AS
SELECT (received_at AT TIME ZONE 'UTC')::date                                  AS day,
       service,
       count(*)                                                                AS stored,
       count(*) FILTER (WHERE verified)                                        AS verified,
       count(*) FILTER (WHERE delivery_state = 'delivered')                    AS delivered,
       count(*) FILTER (WHERE delivery_state = 'failed')                       AS failed
  FROM webhook_events
 GROUP BY 1, 2;
