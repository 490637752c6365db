-- wrk script for bench/alert_ingest_bench.py: posts Alertmanager webhook payloads (version 4).
--
-- Environment (set by the bench):
--   ALERT_BATCH      alerts per request (one Alertmanager group: one service, one alertname)
--   ALERT_SERVICES   number of services (labels service=svc-NNN, alertname=<prefix>NNN)
--   ALERT_INSTANCES  instances per service (the fingerprint universe is services x instances)
--   ALERT_PREFIX     alertname prefix, so each phase has its own groups
--   ALERT_RESOLVED   share of alerts sent as resolved (0..1); they fire again later
--   ALERT_SEED       random seed
--   ALERT_FPTAG      4 hex digits that start every fingerprint of the phase
-- Without ALERT_BATCH the script only counts statuses (used for the hello-world view).

local batch = tonumber(os.getenv("ALERT_BATCH") or "0")
local services = tonumber(os.getenv("ALERT_SERVICES") or "100")
local instances = tonumber(os.getenv("ALERT_INSTANCES") or "20")
local prefix = os.getenv("ALERT_PREFIX") or "Load"
local resolved_share = tonumber(os.getenv("ALERT_RESOLVED") or "0")
local seed = tonumber(os.getenv("ALERT_SEED") or "1")
local fptag = os.getenv("ALERT_FPTAG") or "0000"  -- 4 hex digits, one per phase

local threads = {}
local thread_no = 0

function setup(thread)
   thread_no = thread_no + 1
   thread:set("id", thread_no)
   table.insert(threads, thread)
end

statuses = {}  -- global: read by done() through thread:get

function init(args)
   math.randomseed(seed * 7919 + (id or 1))
   wrk.method = batch > 0 and "POST" or "GET"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["User-Agent"] = "Alertmanager/0.25.0"
end

local function alert(svc, inst)
   local firing = math.random() >= resolved_share
   local name = string.format("%s%03d", prefix, svc)
   return string.format(
      '{"status":"%s","labels":{"alertname":"%s","service":"svc-%03d","instance":"host%04d:9100",' ..
      '"job":"node","severity":"warning"},"annotations":{"summary":"%s on host%04d",' ..
      '"description":"Load test alert"},"startsAt":"2026-11-23T12:00:00.123456789Z",' ..
      '"endsAt":"%s","generatorURL":"http://prometheus.bench:9090/graph?g0.expr=up",' ..
      '"fingerprint":"%s%04x%08x"}',
      firing and "firing" or "resolved", name, svc, inst, name, inst,
      firing and "0001-01-01T00:00:00Z" or "2026-11-23T12:05:00Z",
      fptag, svc, inst)
end

function request()
   if batch == 0 then
      return wrk.format()
   end
   local svc = math.random(0, services - 1)
   local name = string.format("%s%03d", prefix, svc)
   local parts = {}
   local first = math.random(0, instances - 1)
   for i = 0, batch - 1 do
      parts[#parts + 1] = alert(svc, (first + i) % instances)
   end
   local body = '{"version":"4","groupKey":"{}:{alertname=\\"' .. name .. '\\"}","truncatedAlerts":0,' ..
      '"status":"firing","receiver":"fixfirst","groupLabels":{"alertname":"' .. name .. '"},' ..
      '"commonLabels":{"alertname":"' .. name .. '","job":"node"},"commonAnnotations":{},' ..
      '"externalURL":"http://alertmanager.bench:9093","alerts":[' .. table.concat(parts, ",") .. ']}\n'
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local counts = {}
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses") or {}
      for code, n in pairs(s) do
         counts[code] = (counts[code] or 0) + n
      end
   end
   local parts = {}
   for code, n in pairs(counts) do
      parts[#parts + 1] = string.format('"%d":%d', code, n)
   end
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,' ..
      '"write_errors":%d,"timeouts":%d,"non2xx":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
      '"max_us":%d,"mean_us":%.1f,"statuses":{%s}}\n',
      summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.timeout, summary.errors.status,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean, table.concat(parts, ",")))
end
