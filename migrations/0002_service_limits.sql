-- Rate limits changed at run time (PUT /api/v1/external-services/:service/limits), for the whole
-- cluster: the durable copy. Redis holds the live one (`<prefix>:{svc:<name>}:limits`); a node
-- restores Redis from here when it lost them (restart without persistence, FLUSHALL) or missed a
-- write. A service without a row uses the catalog's defaults. Every change is also in audit_log.
CREATE TABLE service_limits (
    service               text        PRIMARY KEY,
    burst_per_second      integer     NOT NULL CHECK (burst_per_second >= 1),
    sustained_per_minute  integer     NOT NULL CHECK (sustained_per_minute >= 1),
    mode                  text        NOT NULL CHECK (mode IN ('enforce', 'shadow')),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            text        NOT NULL
);
