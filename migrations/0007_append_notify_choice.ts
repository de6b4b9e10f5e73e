import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * `append_events` with a say in its NOTIFY. A NOTIFY takes a lock held until commit that every
 * notifying transaction of the cluster queues on, so concurrent appends commit one at a time. An
 * instance alone on its database wakes its own readers in process and needs no NOTIFY; with
 * other instances alive it still sends one. The six-argument function stays for older code.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
    CREATE FUNCTION append_events(
      p_stream_id text, p_stream_type text, p_expected bigint, p_events jsonb,
      p_command_id text, p_payload_hash text, p_notify boolean
    ) RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      v_command commands%ROWTYPE;
      v_version bigint;
      v_hash text;
      v_event jsonb;
      v_first bigint;
      v_position bigint;
      v_positions bigint[] := '{}';
      v_now timestamptz := clock_timestamp();
      v_result jsonb;
    BEGIN
      IF p_command_id IS NOT NULL THEN
        INSERT INTO commands (command_id, stream_id, payload_hash) VALUES (p_command_id, p_stream_id, p_payload_hash)
          ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          SELECT * INTO v_command FROM commands WHERE command_id = p_command_id;
          IF v_command.payload_hash <> p_payload_hash OR v_command.stream_id <> p_stream_id THEN
            RAISE EXCEPTION USING ERRCODE = 'BC002',
              MESSAGE = format('command id %s was already used with another payload', p_command_id);
          END IF;
          RETURN v_command.result || jsonb_build_object('duplicate', true);
        END IF;
      END IF;

      IF p_expected = 0 THEN
        INSERT INTO streams (stream_id, stream_type, version, last_hash) VALUES (p_stream_id, p_stream_type, 0, '')
          ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
          SELECT version INTO v_version FROM streams WHERE stream_id = p_stream_id;
          RAISE EXCEPTION USING ERRCODE = 'BC001', DETAIL = v_version::text,
            MESSAGE = format('stream %s already exists at version %s', p_stream_id, v_version);
        END IF;
        v_version := 0;
        v_hash := '';
      ELSE
        SELECT version, last_hash INTO v_version, v_hash FROM streams WHERE stream_id = p_stream_id FOR UPDATE;
        IF NOT FOUND THEN
          IF p_expected IS NULL THEN
            INSERT INTO streams (stream_id, stream_type, version, last_hash) VALUES (p_stream_id, p_stream_type, 0, '');
            v_version := 0;
            v_hash := '';
          ELSE
            RAISE EXCEPTION USING ERRCODE = 'BC001', DETAIL = '0',
              MESSAGE = format('stream %s does not exist, expected version %s', p_stream_id, p_expected);
          END IF;
        ELSIF p_expected IS NOT NULL AND v_version <> p_expected THEN
          RAISE EXCEPTION USING ERRCODE = 'BC001', DETAIL = v_version::text,
            MESSAGE = format('stream %s is at version %s, expected %s', p_stream_id, v_version, p_expected);
        END IF;
      END IF;

      v_first := v_version + 1;
      FOR v_event IN SELECT * FROM jsonb_array_elements(p_events) LOOP
        v_version := v_version + 1;
        v_hash := event_hash(v_hash, (v_event->>'event_id')::uuid, p_stream_id, v_version, v_event->>'type',
          v_event->'data', coalesce(v_event->'metadata', '{}'::jsonb), v_now);
        INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, recorded_at, hash)
          VALUES ((v_event->>'event_id')::uuid, p_stream_id, v_version, v_event->>'type', v_event->'data',
                  coalesce(v_event->'metadata', '{}'::jsonb), v_now, v_hash)
          RETURNING global_position INTO v_position;
        v_positions := v_positions || v_position;
      END LOOP;

      UPDATE streams SET version = v_version, last_hash = v_hash, updated_at = v_now WHERE stream_id = p_stream_id;
      IF p_notify THEN
        PERFORM pg_notify('boocode_events', p_stream_id || ':' || v_version);
      END IF;

      v_result := jsonb_build_object('from_version', v_first, 'to_version', v_version,
        'positions', to_jsonb(v_positions), 'recorded_at', v_now);
      IF p_command_id IS NOT NULL THEN
        UPDATE commands SET result = v_result WHERE command_id = p_command_id;
      END IF;
      RETURN v_result || jsonb_build_object('duplicate', false);
    END
    $$`)
})
