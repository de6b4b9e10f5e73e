import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The log. `append_events` appends a batch to one stream in one round trip: idempotency by
 * command id, optimistic concurrency on the stream row, a hash chained per stream, and a tiny
 * NOTIFY sent at commit.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`
    CREATE TABLE streams (
      stream_id   text PRIMARY KEY,
      stream_type text NOT NULL,
      version     bigint NOT NULL,
      last_hash   text NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql`
    CREATE TABLE events (
      global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id        uuid NOT NULL,
      stream_id       text NOT NULL,
      stream_version  bigint NOT NULL,
      type            text NOT NULL,
      data            jsonb NOT NULL,
      metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
      recorded_at     timestamptz NOT NULL,
      hash            text NOT NULL,
      CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
      CONSTRAINT events_event_id_key UNIQUE (event_id)
    )`
  yield* sql`CREATE INDEX events_transaction_position ON events (transaction_id, global_position)`
  yield* sql`
    CREATE TABLE commands (
      command_id   text PRIMARY KEY,
      stream_id    text NOT NULL,
      payload_hash text NOT NULL,
      result       jsonb,
      recorded_at  timestamptz NOT NULL DEFAULT now()
    )`
  yield* sql.unsafe(`
    CREATE FUNCTION event_hash(
      prev_hash text, event_id uuid, stream_id text, stream_version bigint, type text,
      data jsonb, metadata jsonb, recorded_at timestamptz
    ) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT encode(sha256(convert_to(
        prev_hash || '|' || event_id::text || '|' || stream_id || '|' || stream_version::text || '|' ||
        type || '|' || data::text || '|' || metadata::text || '|' ||
        to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), 'UTF8')), 'hex')
    $$`)
  yield* sql.unsafe(`
    CREATE FUNCTION append_events(
      p_stream_id text, p_stream_type text, p_expected bigint, p_events jsonb,
      p_command_id text, p_payload_hash text
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
      PERFORM pg_notify('boocode_events', p_stream_id || ':' || v_version);

      v_result := jsonb_build_object('from_version', v_first, 'to_version', v_version,
        'positions', to_jsonb(v_positions), 'recorded_at', v_now);
      IF p_command_id IS NOT NULL THEN
        UPDATE commands SET result = v_result WHERE command_id = p_command_id;
      END IF;
      RETURN v_result || jsonb_build_object('duplicate', false);
    END
    $$`)
})
