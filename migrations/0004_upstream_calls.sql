-- 0004_upstream_calls: one row per call that went to a provider (POST /call; later batches),
-- written by the ledger drainer from the same outbox entry as the call's cost, so a call and
-- its cost are stored together or not at all. Read by GET /analytics/performance.
CREATE TABLE upstream_calls (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, service text NOT NULL, operation text NOT NULL, status int NOT NULL, outcome text NOT NULL, latency_ms int NOT NULL, items int NOT NULL DEFAULT 1, attempts int NOT NULL DEFAULT 1, cost_micros bigint NOT NULL DEFAULT 0, node_id text NOT NULL, request_id text NOT NULL, error text, called_at timestamptz NOT NULL);
CREATE INDEX upstream_calls_service_time ON upstream_calls (service, called_at);
