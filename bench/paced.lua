-- paced.lua: a wrk script for bench/amplify.sh's probe of the cached feed:
-- each connection waits PACE ms (wrk's delay()) before each request, so
-- that the probe measures latency, not the machine's saturation. Its
-- argument: the pace in ms (default 5). done() prints
--   PACED <requests> <seconds> <req/s> <p50_us> <p99_us> <non-2xx/3xx> <socket errors>

local pace = 5

function init(args)
   pace = tonumber(args[1] or "5")
end

function delay()
   return pace
end

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format("PACED %d %.3f %.1f %d %d %d %d\n", summary.requests, secs,
      summary.requests / secs, latency:percentile(50), latency:percentile(99),
      e.status, e.connect + e.read + e.write + e.timeout))
end
