-- wrk script for bench/http_bench.py: POSTs a rotating mix of form-encoded SPARQL queries.
--   wrk -s bench/http_bench.lua URL -- BODIES_FILE unique|same [RUN]
-- BODIES_FILE holds one form body per line, its query parameter last. "unique" appends a
-- SPARQL comment with the run's name and a per-request counter so no answer cache can
-- serve the request: without RUN, the counters of one run repeat those of the run before
-- it, whose answers the server has kept.
local bodies = {}
local unique = true
local counter = 0
-- thread_id is a global: setup() sets it in each thread's own Lua state with thread:set,
-- which a local of the same name would hide (both threads then sent the same requests).
thread_id = 0
local run = ""
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  unique = args[2] ~= "same"
  run = args[3] or ""
  counter = 0
end

function request()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  if unique then
    -- "%0A%23" is a newline and "#": a comment after the query, unique per request.
    body = body .. "%0A%23+r" .. run .. "-" .. thread_id .. "-" .. counter
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/sparql-results+json",
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors_status":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
