/** The settings the verbs read from the environment, as `--help` lists them (the README has the long form). */
export interface Setting {
  readonly name: string
  readonly meaning: string
}

export interface SettingGroup {
  readonly title: string
  readonly settings: ReadonlyArray<Setting>
}

export const databaseSettings: SettingGroup = {
  title: "Database",
  settings: [
    { name: "DATABASE_URL", meaning: "PostgreSQL to use (postgres://user:pass@host:5432/db); unset: an embedded PostgreSQL in BOOCODE_DATA_DIR" },
    { name: "BOOCODE_DATA_DIR", meaning: "where the embedded PostgreSQL keeps its data (default ~/.local/share/boocode)" },
    { name: "BOOCODE_PG_RESTARTS", meaning: "restarts tried when the embedded PostgreSQL dies (default 5)" },
    { name: "BOOCODE_DB_POOL", meaning: "database connections at most (default 20)" },
    { name: "BOOCODE_DB_CONNECT_TIMEOUT_MS", meaning: "time to open a connection (default 5000)" }
  ]
}

export const serverSettings: ReadonlyArray<SettingGroup> = [
  {
    title: "Server",
    settings: [
      { name: "HOST", meaning: "address to listen on (default 127.0.0.1; beyond loopback needs BOOCODE_TOKEN)" },
      { name: "PORT", meaning: "port to listen on (default 4040)" },
      { name: "BOOCODE_TOKEN", meaning: "token every API and WebSocket call needs (unset: none)" },
      { name: "BOOCODE_SESSION_TTL", meaning: "how long a browser login lasts (default 7 days)" },
      { name: "BOOCODE_ALLOWED_HOSTS", meaning: "extra Host header names accepted, comma-separated" },
      { name: "BOOCODE_WEB_DIR", meaning: "the built browser client to serve (default: the package's dist/web)" },
      { name: "BOOCODE_INSTANCE_ID", meaning: "this instance's name in turn leases (default host:PORT)" },
      { name: "BOOCODE_LEASE_MS / BOOCODE_LEASE_TICK_MS", meaning: "turn lease length and renewal tick (default 10000 / 2000)" },
      { name: "BOOCODE_POLL_MS / BOOCODE_LISTEN_HEARTBEAT_MS", meaning: "log poll interval and LISTEN check (default 1000 / 5000)" },
      { name: "BOOCODE_READER_LINGER_MS", meaning: "a session reader's stay after its last socket (default 3000)" }
    ]
  },
  {
    title: "Model server",
    settings: [
      { name: "LLM_BASE_URL", meaning: "OpenAI-compatible endpoint (default http://127.0.0.1:8080)" },
      { name: "LLM_API_KEY", meaning: "bearer token for it, if it needs one" },
      { name: "LLM_CONNECT_TIMEOUT_MS / LLM_FIRST_BYTE_TIMEOUT_MS / LLM_IDLE_TIMEOUT_MS", meaning: "time limits (default 10000 / 120000 / 60000)" },
      { name: "LLM_LOADING_RETRIES / LLM_LOADING_BACKOFF_MS", meaning: "retries on 503/429 and their backoff (default 5 / 1000)" }
    ]
  },
  {
    title: "Turns and tools",
    settings: [
      { name: "BOOCODE_FLUSH_INTERVAL / BOOCODE_FLUSH_CHARS", meaning: "streamed text persisted this often or at this size (default 1 second / 2048)" },
      { name: "BOOCODE_MAX_TOOL_ROUNDS / BOOCODE_MAX_REPEATED_CALLS", meaning: "tool rounds per turn, repeated calls (default 8 / 3)" },
      { name: "BOOCODE_TOOL_CONCURRENCY / BOOCODE_TOOL_TIMEOUT", meaning: "parallel tool calls, time per call (default 4 / 30 seconds)" },
      { name: "BOOCODE_AUTO_NAME", meaning: "name a session from its first exchange (default true)" },
      { name: "BOOCODE_CONTINUE_STYLE", meaning: "how Continue asks the model to go on: auto, llama, vllm, none" },
      { name: "BOOCODE_TOOLS_GREP_ENGINE", meaning: "auto, js or rg; other BOOCODE_TOOLS_* settings cap tool output" }
    ]
  },
  {
    title: "Limits",
    settings: [
      { name: "BOOCODE_BODY_LIMIT", meaning: "request body limit in bytes (default 1 MiB)" },
      { name: "BOOCODE_WS_FRAME_LIMIT / BOOCODE_WS_BUFFER_LIMIT", meaning: "WebSocket frame size, unsent bytes per socket (default 64 KiB / 4 MiB)" },
      { name: "BOOCODE_WS_MAX_PER_USER / BOOCODE_WS_PING_MS", meaning: "sockets per user, ping interval (default 32 / 20000)" },
      { name: "BOOCODE_WS_FRAME_RATE / BOOCODE_WS_FRAME_BURST", meaning: "frames a client may send per second, at once (default 20 / 50)" },
      { name: "BOOCODE_WS_SNAPSHOT_AFTER", meaning: "events behind before a socket gets a snapshot (default 1000)" }
    ]
  }
]

export const outputSettings: SettingGroup = {
  title: "Output",
  settings: [{ name: "NO_COLOR", meaning: "set to anything: no colours (none either when output is not a terminal)" }]
}
