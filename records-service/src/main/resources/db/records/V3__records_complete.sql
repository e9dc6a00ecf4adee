-- Records, complete (issue 6): schema/label columns, per-(organization, type) counters kept by
-- statement-level triggers, a deep-merge function for bulk edits, and the indexes the keyset list
-- and metadata filters need.

ALTER TABLE records ADD COLUMN metadata_schema JSONB;
ALTER TABLE records ADD COLUMN metadata_labels JSONB;

-- Counts must cost what a page costs: `includeCount` reads these rows instead of count(*).
-- A (organization, type) count is spread over 16 slots so concurrent writers of one type rarely
-- wait on the same row lock; a reader sums the slots. Statement-level triggers with transition
-- tables keep them exact in the writing transaction for every writer (API, bulk operations, CSV
-- import's COPY + merge), one counter statement per SQL statement however many rows it touched.
CREATE TABLE record_counts (
    organization_id TEXT     NOT NULL,
    type            TEXT     NOT NULL,
    slot            SMALLINT NOT NULL,
    count           BIGINT   NOT NULL,
    PRIMARY KEY (organization_id, type, slot)
);

INSERT INTO record_counts (organization_id, type, slot, count)
SELECT organization_id, type, 0, count(*) FROM records GROUP BY organization_id, type;

CREATE FUNCTION record_counts_add(deltas JSONB) RETURNS void LANGUAGE sql AS $$
    INSERT INTO record_counts AS c (organization_id, type, slot, count)
    SELECT d.organization_id, d.type, floor(random() * 16)::smallint, d.n
    FROM jsonb_to_recordset(deltas) AS d(organization_id TEXT, type TEXT, n BIGINT)
    WHERE d.n <> 0
    ORDER BY d.organization_id, d.type
    ON CONFLICT (organization_id, type, slot) DO UPDATE SET count = c.count + excluded.count
$$;

CREATE FUNCTION records_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM record_counts_add((SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id, 'type', type,
                                                                   'n', n))
                               FROM (SELECT organization_id, type, count(*) AS n FROM new_rows
                                     GROUP BY organization_id, type) g));
    RETURN NULL;
END $$;

CREATE FUNCTION records_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM record_counts_add((SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id, 'type', type,
                                                                   'n', -n))
                               FROM (SELECT organization_id, type, count(*) AS n FROM old_rows
                                     GROUP BY organization_id, type) g));
    RETURN NULL;
END $$;

-- PostgreSQL refuses transition tables on `UPDATE OF type` triggers, so this one runs for every
-- update and only acts on rows whose type (or organization) changed.
CREATE FUNCTION records_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM record_counts_add((SELECT jsonb_agg(jsonb_build_object('organization_id', organization_id, 'type', type,
                                                                   'n', n))
                               FROM (SELECT organization_id, type, sum(n) AS n
                                     FROM (SELECT n.organization_id, n.type, 1 AS n
                                           FROM new_rows n JOIN old_rows o ON o.id = n.id
                                           WHERE o.type <> n.type OR o.organization_id <> n.organization_id
                                           UNION ALL
                                           SELECT o.organization_id, o.type, -1
                                           FROM new_rows n JOIN old_rows o ON o.id = n.id
                                           WHERE o.type <> n.type OR o.organization_id <> n.organization_id) moved
                                     GROUP BY organization_id, type) g));
    RETURN NULL;
END $$;

CREATE FUNCTION records_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM record_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER records_count_insert AFTER INSERT ON records REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_count_inserted();
CREATE TRIGGER records_count_delete AFTER DELETE ON records REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_count_deleted();
CREATE TRIGGER records_count_update AFTER UPDATE ON records REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION records_count_updated();
CREATE TRIGGER records_count_truncate AFTER TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION records_count_truncated();

-- Bulk edit's `deep-merge`: objects merge key by key at every depth, anything else is replaced.
CREATE FUNCTION jsonb_deep_merge(target JSONB, patch JSONB) RETURNS JSONB LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF jsonb_typeof(target) IS DISTINCT FROM 'object' OR jsonb_typeof(patch) IS DISTINCT FROM 'object' THEN
        RETURN patch;
    END IF;
    RETURN target || coalesce((SELECT jsonb_object_agg(key,
                                                       CASE WHEN target ? key THEN jsonb_deep_merge(target -> key, value)
                                                            ELSE value END)
                               FROM jsonb_each(patch)), '{}'::jsonb);
END $$;

-- Keyset lists sorted by updatedAt and name (createdAt has its indexes since V1).
CREATE INDEX records_org_type_updated ON records (organization_id, type, updated_at DESC, id DESC);
CREATE INDEX records_org_updated ON records (organization_id, updated_at DESC, id DESC);
CREATE INDEX records_org_name ON records (organization_id, name, id);
CREATE INDEX records_org_type_name ON records (organization_id, type, name, id);
-- metadata filters: eq compiles to `metadata @> …`, which this index serves on any path
CREATE INDEX records_metadata ON records USING GIN (metadata jsonb_path_ops);

-- Filters' gt/gte/lt/lte on metadata: a stored number or numeric string as numeric, an ISO-8601
-- date string as timestamptz, anything else NULL (never a cast error, whatever the row holds).
CREATE FUNCTION jsonb_as_numeric(v JSONB) RETURNS NUMERIC LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric
                WHEN jsonb_typeof(v) = 'string' AND pg_input_is_valid(v #>> '{}', 'numeric')
                    THEN (v #>> '{}')::numeric END
$$;

CREATE FUNCTION jsonb_as_timestamptz(v JSONB) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^\d{4}-\d{2}-\d{2}'
                     AND pg_input_is_valid(v #>> '{}', 'timestamptz')
                    THEN (v #>> '{}')::timestamptz END
$$;
