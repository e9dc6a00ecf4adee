-- Records: "Runtype state and memory", one row per (organization, type, name).
-- Ids are compared byte-wise (COLLATE "C") so keyset paging by id follows the ULID order exactly
-- and the btree serves it without a collation-aware sort.
CREATE TABLE records (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT        NOT NULL,
    user_id         TEXT,
    type            TEXT        NOT NULL CHECK (char_length(type) BETWEEN 1 AND 255),
    name            TEXT        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 500),
    metadata        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    messages        JSONB,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    -- the identity upsert-record steps and the 409 on create rely on
    CONSTRAINT records_org_type_name_key UNIQUE (organization_id, type, name)
);

-- internal batch reads: all records of a type in id order (GET /internal/records)
CREATE INDEX records_org_type_id ON records (organization_id, type, id);
-- public list, newest first, with or without a type filter (GET /v1/records)
CREATE INDEX records_org_created ON records (organization_id, created_at DESC, id DESC);
CREATE INDEX records_org_type_created ON records (organization_id, type, created_at DESC, id DESC);
