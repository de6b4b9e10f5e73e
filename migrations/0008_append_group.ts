import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `append_group`: appends from several callers, each to its own stream, in one transaction and
 * one round trip, so concurrent writers share a commit (one WAL flush, one NOTIFY lock) instead
 * of queueing on each other's. Each item keeps its own optimistic check and hash chain; an item
 * whose expected version does not hold is answered `{"conflict": actual}` and leaves the others
 * be. Streams are locked in stream id order so two groups cannot deadlock. Items carry no command
 * id (those go through `append_events`).
 *
 * p_items: [{"stream_id", "stream_type", "expected": bigint|null, "events": [{event_id, type, data, metadata}]}]
 * returns: one object per item, in order: {from_version, to_version, positions, recorded_at} or {conflict, message}
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
    CREATE FUNCTION append_group(p_items jsonb, p_notify boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_item jsonb;
      v_index int;
      v_stream text;
      v_expected bigint;
      v_version bigint;
      v_hash text;
      v_event jsonb;
      v_first bigint;
      v_position bigint;
      v_positions bigint[];
      v_now timestamptz := clock_timestamp();
      v_results jsonb[] := array_fill(NULL::jsonb, ARRAY[jsonb_array_length(p_items)]);
    BEGIN
      FOR v_item, v_index IN
        SELECT value, ordinality::int FROM jsonb_array_elements(p_items) WITH ORDINALITY
        ORDER BY value->>'stream_id' COLLATE "C", ordinality
      LOOP
        v_stream := v_item->>'stream_id';
        v_expected := (v_item->>'expected')::bigint;
        v_results[v_index] := NULL;
        IF v_expected = 0 THEN
          INSERT INTO streams (stream_id, stream_type, version, last_hash) VALUES (v_stream, v_item->>'stream_type', 0, '')
            ON CONFLICT DO NOTHING;
          IF NOT FOUND THEN
            SELECT version INTO v_version FROM streams WHERE stream_id = v_stream;
            v_results[v_index] := jsonb_build_object('conflict', v_version,
              'message', format('stream %s already exists at version %s', v_stream, v_version));
          END IF;
          v_version := 0;
          v_hash := '';
        ELSE
          SELECT version, last_hash INTO v_version, v_hash FROM streams WHERE stream_id = v_stream FOR UPDATE;
          IF NOT FOUND THEN
            IF v_expected IS NULL THEN
              INSERT INTO streams (stream_id, stream_type, version, last_hash) VALUES (v_stream, v_item->>'stream_type', 0, '');
              v_version := 0;
              v_hash := '';
            ELSE
              v_results[v_index] := jsonb_build_object('conflict', 0,
                'message', format('stream %s does not exist, expected version %s', v_stream, v_expected));
            END IF;
          ELSIF v_expected IS NOT NULL AND v_version <> v_expected THEN
            v_results[v_index] := jsonb_build_object('conflict', v_version,
              'message', format('stream %s is at version %s, expected %s', v_stream, v_version, v_expected));
          END IF;
        END IF;
        CONTINUE WHEN v_results[v_index] IS NOT NULL;

        v_first := v_version + 1;
        v_positions := '{}';
        FOR v_event IN SELECT * FROM jsonb_array_elements(v_item->'events') LOOP
          v_version := v_version + 1;
          v_hash := event_hash(v_hash, (v_event->>'event_id')::uuid, v_stream, v_version, v_event->>'type',
            v_event->'data', coalesce(v_event->'metadata', '{}'::jsonb), v_now);
          INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, recorded_at, hash)
            VALUES ((v_event->>'event_id')::uuid, v_stream, v_version, v_event->>'type', v_event->'data',
                    coalesce(v_event->'metadata', '{}'::jsonb), v_now, v_hash)
            RETURNING global_position INTO v_position;
          v_positions := v_positions || v_position;
        END LOOP;

        UPDATE streams SET version = v_version, last_hash = v_hash, updated_at = v_now WHERE stream_id = v_stream;
        IF p_notify THEN
          PERFORM pg_notify('boocode_events', v_stream || ':' || v_version);
        END IF;
        v_results[v_index] := jsonb_build_object('from_version', v_first, 'to_version', v_version,
          'positions', to_jsonb(v_positions), 'recorded_at', v_now);
      END LOOP;
      RETURN to_jsonb(v_results);
    END
    $$`)
})
