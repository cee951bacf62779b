-- amplify.lua: a wrk script for bench/amplify.sh. Every request asks for a
-- variant a reader would not: a random ?limit= (1-500), often a ?page=
-- (1-40), a random format, Accept-Encoding, category (in a random case),
-- and junk query parameters. The server should answer most from a few
-- cache entries and render the rest one at a time. done() prints
--   AMPLIFY <requests> <seconds> <req/s> <p50_us> <p99_us> <status>:<count>...

local cats = { "News", "%EC%86%8D%EB%B3%B4", "%EA%B2%BD%EC%A0%9C%2F%EC%82%B0%EC%97%85",
   "World", "Markets", "Technology", "IT%2F%EA%B3%BC%ED%95%99", "nosuchcategory" }
local formats = { "rss", "atom", "json" }
local encodings = { nil, "gzip", "br", "gzip, deflate, br" }
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(os.time() * 1000 + tonumber(tostring({}):sub(8), 16) % 1000)
   statuses = {}
end

-- randomCase spells a name in random upper and lower case, which category
-- lookups ignore (and percent-escapes too).
local function randomCase(s)
   return (s:gsub("%a", function(c)
      if math.random(2) == 1 then return c:upper() end
      return c:lower()
   end))
end

function request()
   local r = math.random
   local path
   if r(3) == 1 then
      path = "/feed." .. formats[r(3)]
   else
      path = "/category/" .. randomCase(cats[r(#cats)]) .. "/feed." .. formats[r(3)]
   end
   local q = {}
   if r(4) > 1 then q[#q + 1] = "limit=" .. r(500) end
   if r(2) == 1 then q[#q + 1] = "page=" .. r(40) end
   for _ = 1, r(0, 2) do q[#q + 1] = "utm_" .. r(1e6) .. "=" .. r(1e9) end
   if #q > 0 then path = path .. "?" .. table.concat(q, "&") end
   local headers = {}
   local e = encodings[r(#encodings)]
   if e then headers["Accept-Encoding"] = e end
   return wrk.format("GET", path, headers)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local all = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      for k, v in pairs(s or {}) do all[k] = (all[k] or 0) + v end
   end
   local parts = {}
   for k, v in pairs(all) do parts[#parts + 1] = k .. ":" .. v end
   table.sort(parts)
   local secs = summary.duration / 1e6
   io.write(string.format("AMPLIFY %d %.3f %.1f %d %d %s\n", summary.requests, secs,
      summary.requests / secs, latency:percentile(50), latency:percentile(99), table.concat(parts, " ")))
end
