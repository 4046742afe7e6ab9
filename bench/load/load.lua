-- wrk script for the server load test (bench/load/run): alternates the explorer and an area page,
-- counts failed requests and responses that mix two snapshots (a run id in the body that is
-- not the run id of the response header), and prints the result as one JSON line.
--
-- Three of every four requests ask for gzip, as browsers do; every fourth asks for the plain page,
-- and those are the responses whose body is checked for mixed snapshots (Lua cannot unzip). The
-- plain and gzipped pages come from one cached render, so a mix would show in both.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = { "/?niveau=buurt", "/gebied/GM0518" }
  n = 0
  failed = 0
  mixed = 0
  checked = 0
  runs = ""
end

function request()
  n = n + 1
  local headers = {}
  if n % 4 ~= 0 then
    headers["Accept-Encoding"] = "gzip, deflate, br"
  end
  return wrk.format("GET", paths[(math.floor(n / 4) % #paths) + 1], headers)
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    return
  end
  local run = headers["x-risicobeeld-run"] or headers["X-Risicobeeld-Run"]
  if run and not string.find(runs, run, 1, true) then
    runs = runs .. run .. " "
  end
  local encoding = headers["content-encoding"] or headers["Content-Encoding"]
  if encoding then
    return
  end
  checked = checked + 1
  -- Plain (not pattern) search: a Lua pattern scan of a 400 KB body costs more CPU than the
  -- server's whole answer, and wrk runs on the same cores as the server.
  local marker = 'class="run-id">'
  local at = string.find(body, marker, 1, true)
  while at do
    local from = at + #marker
    local to = string.find(body, "<", from, true)
    if not to or string.sub(body, from, to - 1) ~= run then
      mixed = mixed + 1
      break
    end
    at = string.find(body, marker, to, true)
  end
end

function done(summary, latency, requests)
  local f, m, c, seen = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    f = f + t:get("failed")
    m = m + t:get("mixed")
    c = c + t:get("checked")
    for r in string.gmatch(t:get("runs"), "%S+") do seen[r] = true end
  end
  local distinct = 0
  for _ in pairs(seen) do distinct = distinct + 1 end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "throughput_rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "failed": %d, "mixed_snapshots": %d, "checked": %d, "distinct_runs_seen": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, f, m, c, distinct))
end
