-- report.lua: a wrk script that only adds a machine-readable summary line
-- to wrk's output, for bench/run.sh:
--   GETRESULT <requests> <seconds> <req/s> <p50_us> <p99_us> <bytes> <non-2xx/3xx> <socket errors>
-- (wrk counts a status above 399 as non-2xx/3xx; a 304 is a success.)

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format("GETRESULT %d %.3f %.1f %d %d %d %d %d\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50), latency:percentile(99), summary.bytes,
      e.status, e.connect + e.read + e.write + e.timeout))
end
