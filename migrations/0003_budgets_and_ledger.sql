-- 0003_budgets_and_ledger: budgets changed at run time, the cost ledger's idempotency key, and
-- budget alerts raised once per service, level and period.

-- Budgets changed at run time (PUT /api/v1/external-services/:service/budget) for the whole cluster:
-- the durable copy. Redis holds the live one (`<prefix>:{svc:<name>}:limits`, fields `daily` and
-- `monthly`); nodes copy these rows back into Redis when it lost them. No row: the catalog's values.
CREATE TABLE service_budgets (
    service                 text        PRIMARY KEY,
    monthly_budget_micros   bigint      NOT NULL CHECK (monthly_budget_micros >= 0),
    daily_limit_micros      bigint      NOT NULL CHECK (daily_limit_micros >= 0),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    updated_by              text        NOT NULL
);

-- Every settled cost carries the event id minted when it was recorded (in the Redis outbox), so a
-- batch inserted twice (a node killed between the insert and the acknowledgement, an entry claimed
-- by another node) is counted once. Rows from before this migration keep a NULL id.
ALTER TABLE cost_events ADD COLUMN event_id text;
ALTER TABLE cost_events ADD COLUMN reservation_id text;
CREATE UNIQUE INDEX cost_events_event_id_key ON cost_events (event_id);

-- An automatic alert is raised once per service, level and period (`day:2026-12-03`,
-- `month:2026-12`): `alert_key` is `<period>:<level>` and unique per service. Manual alerts
-- (POST /budget-alert) have no key and are never de-duplicated.
ALTER TABLE budget_alerts ADD COLUMN period text;
ALTER TABLE budget_alerts ADD COLUMN alert_key text;
CREATE UNIQUE INDEX budget_alerts_service_alert_key_key ON budget_alerts (service, alert_key);

-- Spend per service and UTC month, for analysts (see docs/analytics.md).
CREATE VIEW v_monthly_cost AS
SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date                         AS month,
       service,
       sum(cost_micros)::bigint                                                AS cost_micros,
       sum(saved_micros)::bigint                                               AS saved_micros,
       count(*) FILTER (WHERE kind = 'actual')                                 AS calls_recorded
  FROM cost_events
 GROUP BY 1, 2;

-- Spend per service and UTC hour (the anomaly check compares today's hours with the 14 days before).
CREATE VIEW v_hourly_cost AS
SELECT date_trunc('hour', at AT TIME ZONE 'UTC')                               AS hour,
       service,
       sum(cost_micros)::bigint                                                AS cost_micros,
       count(*)                                                                AS events
  FROM cost_events
 GROUP BY 1, 2;
