-- soak.lua: the mixed traffic of bench/soak.sh, at a fixed total rate.
--
--   wrk -t2 -c32 -d10m --timeout 10s -s bench/soak.lua http://127.0.0.1:8080 -- \
--       template=FILE rate=400 threads=2 conns=32 out=DIR run=s [prefill=1000] [posts=5]
--
-- Arguments (key=value after --):
--   template  file written by `go run ./bench/cmd/corpus -template FILE`:
--             the documents posted, and where the category names come from
--   rate      requests per second, all threads together
--   threads   wrk's -t
--   conns     wrk's -c (only for pacing without LuaJIT's FFI)
--   out       directory for the ids of acknowledged posts: one file per
--             thread, acked-<run>-<thread>.txt, one id a line, written as
--             each answer arrives (so they survive wrk being killed)
--   run       a tag in the posted ids (soak-<run>-<thread>-<n>), so that
--             runs against the same database never reuse an id
--   prefill   the articles bench-0 … bench-(prefill-1) already stored,
--             whose pages are asked for (default 1000)
--   posts     percentage of requests that are POSTs (default 5)
--   token     ingest token (else $SOKBO_TOKEN)
--
-- Pacing: wrk has no request rate option, but calls delay() before each
-- request on a connection. Each thread hands out send times on its own
-- schedule, one every threads*1000/rate ms, to whichever connection asks
-- next, so the rate holds as long as some connection is free (latency
-- below connections/rate). A thread that falls behind does not catch up
-- with a burst.
--
-- The mix of the other requests (GETs): the site feeds (.rss, .atom,
-- .json), the category feeds, /archive/1/feed.atom, /, /category/<name>/
-- and /articles/<id> (a pre-filled article or one this thread posted);
-- each with no Accept-Encoding, gzip, or "gzip, deflate, br"; and a third
-- of them conditional: If-None-Match with the ETags recently received for
-- that type and encoding (a list, as a shared cache sends it: wrk does not
-- say which request a response answers, so the ETags cannot be kept per
-- URL), or If-Modified-Since a recent time.
--
-- done() prints machine-readable lines:
--   SOAK <requests> <seconds> <p50_us> <p99_us> <p999_us> <max_us>
--   SOAKSTATUS <status> <count>                    (one per status)
--   SOAKPOSTS <sent> <answered> <acked> <failed>
--   SOAKSOCKET <connect> <read> <write> <timeout>
-- and the first failed answers.

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("tid", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

local function options(args)
   local o = {}
   for _, a in ipairs(args) do
      local k, v = a:match("^([%w_]+)=(.*)$")
      if k then o[k] = v end
   end
   return o
end

local function split_template(doc)
   local i1, j1 = doc:find("{{ID}}", 1, true)
   local i2, j2 = doc:find("{{DATE}}", 1, true)
   if not i1 or not i2 then
      error("template document lacks {{ID}} or {{DATE}}")
   end
   if i1 < i2 then
      return { doc:sub(1, i1 - 1), doc:sub(j1 + 1, i2 - 1), doc:sub(j2 + 1), false }
   end
   return { doc:sub(1, i2 - 1), doc:sub(j2 + 1, i1 - 1), doc:sub(j1 + 1), true }
end

-- pct encodes a path segment: every byte but the unreserved ones.
local function pct(s)
   return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- A monotonic clock in milliseconds, through LuaJIT's FFI; nil without it.
local function clock()
   local ok, ffi = pcall(require, "ffi")
   if not ok then return nil end
   pcall(ffi.cdef, [[
      typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
      int clock_gettime(int clk_id, soak_timespec *tp);
   ]])
   local ts = ffi.new("soak_timespec")
   return function()
      ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
   end
end

function init(args)
   local o = options(args)
   local template = o.template or error("soak.lua: no template=")
   local rate = tonumber(o.rate or "") or error("soak.lua: no rate=")
   local nthreads = tonumber(o.threads or "") or error("soak.lua: no threads=")
   local out = o.out or error("soak.lua: no out=")
   local conns = tonumber(o.conns or "") or nthreads
   run = o.run or "s"
   prefill = tonumber(o.prefill or "1000")
   post_share = (tonumber(o.posts or "5")) / 100
   token = o.token or os.getenv("SOKBO_TOKEN") or ""

   local f = assert(io.open(template, "rb"))
   local all = f:read("*a")
   f:close()
   docs = {}
   local seen = {}
   categories = {}
   local start = 1
   while true do
      local z = all:find("\0", start, true)
      local doc = all:sub(start, (z or 0) - 1)
      table.insert(docs, split_template(doc))
      local block = doc:match("\ncategories:\n(.-)\n[%w_]+:")
      for name in (block or ""):gmatch('%- "([^"\n]+)"') do
         if not seen[name] then
            seen[name] = true
            table.insert(categories, pct(name))
         end
      end
      if not z then break end
      start = z + 1
   end
   if #categories == 0 then
      error("soak.lua: no categories found in the template")
   end

   now_ms = clock()
   interval = nthreads * 1000 / rate -- ms between this thread's requests
   fixed_delay = math.floor(interval * math.max(1, conns / nthreads))
   next_slot = 0
   math.randomseed(os.time() * 100 + tid)

   acked_file = assert(io.open(out .. "/acked-" .. run .. "-" .. tid .. ".txt", "a"))
   statuses = {}
   sent = 0        -- POSTs made
   answered = 0    -- POST answers
   acked = 0       -- 2xx POST answers, ids written
   failed = 0      -- other POST answers
   first_errors = ""
   verified = tid ~= 0
   own = {}        -- ids this thread posted and got acknowledged
   etags = {}      -- "kind enc" → ring of recent ETags
   post_headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "text/markdown; charset=utf-8",
   }
end

function delay()
   if not now_ms then
      -- No clock: a fixed delay per connection, assuming fast answers.
      return fixed_delay
   end
   local now = now_ms()
   local slot = next_slot
   if slot < now then slot = now end
   next_slot = slot + interval
   return math.floor(slot - now + 0.5)
end

-- The GET mix: weight, and a function returning the path and the kind of
-- its content type.
local function article_path()
   local n = prefill + #own
   local i = math.random(n)
   if i <= prefill then
      return "/articles/bench-" .. (i - 1)
   end
   return "/articles/" .. own[i - prefill]
end

local mix = {
   { 10, function() return "/feed.rss", "rss" end },
   { 10, function() return "/feed.atom", "atom" end },
   { 10, function() return "/feed.json", "json" end },
   { 25, function()
      local ext = ({ "rss", "atom", "json" })[math.random(3)]
      return "/category/" .. categories[math.random(#categories)] .. "/feed." .. ext, ext
   end },
   { 5,  function() return "/archive/1/feed.atom", "atom" end },
   { 10, function() return "/", "html" end },
   { 5,  function() return "/category/" .. categories[math.random(#categories)] .. "/", "html" end },
   { 25, function() return article_path(), "html" end },
}
local mix_total = 0
for _, m in ipairs(mix) do mix_total = mix_total + m[1] end

local encodings = {
   { 25, nil, "id" },
   { 35, "gzip", "gzip" },
   { 40, "gzip, deflate, br", "br" }, -- sokbo picks br
}

local function pick(list, total)
   local r = math.random() * total
   for _, e in ipairs(list) do
      r = r - e[1]
      if r < 0 then return e end
   end
   return list[#list]
end

local ring_size = 24

local function remember(key, tag)
   local ring = etags[key]
   if not ring then
      ring = { n = 0, list = {} }
      etags[key] = ring
   end
   for _, t in ipairs(ring.list) do
      if t == tag then return end
   end
   ring.n = ring.n % ring_size + 1
   ring.list[ring.n] = tag
end

local function post(verifying)
   local n = sent
   if not verifying then sent = sent + 1 end
   local id = "soak-" .. run .. "-" .. tid .. "-" .. n
   local d = docs[math.random(#docs)]
   local date = os.date("!%Y-%m-%d %H:%M:%S +0000")
   local body
   if d[4] then
      body = d[1] .. date .. d[2] .. id .. d[3]
   else
      body = d[1] .. id .. d[2] .. date .. d[3]
   end
   return wrk.format("POST", "/api/articles", post_headers, body)
end

function request()
   -- wrk builds one request on thread 0 before the run only to check it;
   -- it is never sent, so it must not use up an id.
   local verifying = not verified
   verified = true
   if math.random() < post_share then
      return post(verifying)
   end
   local path, kind = pick(mix, mix_total)[2]()
   local enc = pick(encodings, 100)
   local h = {}
   if enc[2] then h["Accept-Encoding"] = enc[2] end
   local c = math.random(6)
   if c == 1 then
      local ring = etags[kind .. " " .. enc[3]]
      if ring then h["If-None-Match"] = table.concat(ring.list, ", ") end
   elseif c == 2 then
      h["If-Modified-Since"] = os.date("!%a, %d %b %Y %H:%M:%S GMT", os.time() - math.random(0, 120))
   end
   return wrk.format("GET", path, h)
end

local function kind_of(ctype)
   if not ctype then return nil end
   if ctype:find("rss", 1, true) then return "rss" end
   if ctype:find("atom", 1, true) then return "atom" end
   if ctype:find("feed+json", 1, true) then return "json" end
   if ctype:find("text/html", 1, true) then return "html" end
   if ctype:find("application/json", 1, true) then return "api" end
   return nil
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   local h = {}
   for k, v in pairs(headers) do h[k:lower()] = v end
   local kind = kind_of(h["content-type"])
   if kind == "api" then
      -- Only POSTs get application/json, but for errors: a feed's error
      -- is JSON too, and would be counted here as a failed POST (it is
      -- counted by its status in any case).
      answered = answered + 1
      if status >= 200 and status < 300 then
         local id = (h["location"] or ""):match("/api/articles/([^/?]+)$") or body:match('"id"%s*:%s*"([^"]+)"')
         if id then
            acked = acked + 1
            acked_file:write(id, "\n")
            acked_file:flush()
            table.insert(own, id)
         else
            failed = failed + 1
            first_errors = first_errors .. "  " .. status .. " without an id\n"
         end
      else
         failed = failed + 1
         if failed <= 3 then
            first_errors = first_errors .. "  POST? " .. status .. " " .. body:sub(1, 200):gsub("%s+$", "") .. "\n"
         end
      end
      return
   end
   if status >= 400 and #first_errors < 2000 then
      first_errors = first_errors .. "  GET " .. status .. " " .. (h["content-type"] or "") .. " " ..
          body:sub(1, 120):gsub("%s+", " ") .. "\n"
   end
   if status == 200 and kind and h["etag"] then
      local enc = h["content-encoding"] or "id"
      remember(kind .. " " .. enc, h["etag"])
   end
end

function done(summary, latency, requests)
   local st = {}
   local s, a, k, fl = 0, 0, 0, 0
   local errs = ""
   for _, t in ipairs(threads) do
      for code, n in pairs(t:get("statuses") or {}) do
         st[code] = (st[code] or 0) + n
      end
      s = s + (t:get("sent") or 0)
      a = a + (t:get("answered") or 0)
      k = k + (t:get("acked") or 0)
      fl = fl + (t:get("failed") or 0)
      errs = errs .. (t:get("first_errors") or "")
   end
   io.write(string.format("SOAK %d %.3f %d %d %d %d\n", summary.requests, summary.duration / 1e6,
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
   local codes = {}
   for code in pairs(st) do table.insert(codes, code) end
   table.sort(codes)
   for _, code in ipairs(codes) do
      io.write(string.format("SOAKSTATUS %d %d\n", code, st[code]))
   end
   io.write(string.format("SOAKPOSTS %d %d %d %d\n", s, a, k, fl))
   local e = summary.errors
   io.write(string.format("SOAKSOCKET %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
   if errs ~= "" then
      io.write("first failures:\n", errs)
   end
end
