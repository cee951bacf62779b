-- post.lua: a wrk script that POSTs a new article on every request to
-- /api/articles, so that wrk -c32 measures durable ingest with 32
-- concurrent posters.
--
--   wrk -t2 -c32 -d10m --timeout 10s -s bench/post.lua http://127.0.0.1:8080 -- \
--       template=TEMPLATE threads=2 posts=100000 [token=TOKEN]
--
-- Arguments (key=value after --; each falls back to an environment variable):
--   template  file written by `go run ./bench/cmd/corpus -template FILE`
--             (BENCH_TEMPLATE): documents separated by NUL bytes, each with
--             the placeholders {{ID}} and {{DATE}}
--   token     ingest token (SOKBO_TOKEN; better kept out of the argument list)
--   threads   wrk's -t (BENCH_THREADS), so that the ids of all threads are
--             bench-0 … bench-(posts-1) with none twice
--   posts     stop after this many articles (BENCH_POSTS). When they are
--             all answered, the last thread to finish sends wrk SIGINT, so
--             wrk ends early and its duration is the time the posts took.
--             0 or unset: post until -d runs out.
--   path      the ingest path (default /api/articles)
--   dates     "scatter" (BENCH_DATES): dates scattered over the year before
--             the run, a backfill; by default they advance with the ids
--             over that year, so every post is the newest, as in a live feed
--
-- Thread t posts ids bench-t, bench-(t+threads), …. The threads count themselves finished in a
-- temporary file (BENCH_DONE_FILE, else os.tmpname()). done() prints the
-- counts of 201, other 2xx and non-2xx answers, the first errors, and one
-- machine-readable line:
--   POSTRESULT <answered> <created> <other2xx> <failed> <seconds> <p50_us> <p99_us> <max_us>

local thread_count = 0
local threads = {}

function setup(thread)
   -- The file in which the threads count themselves finished (a global,
   -- like everything thread:set gives a thread).
   if not done_file then
      done_file = os.getenv("BENCH_DONE_FILE") or os.tmpname()
      local f = io.open(done_file, "w")
      if f then f:close() end
   end
   thread:set("done_file", done_file)
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
   -- Each document becomes {before id, between id and date, after date}
   -- (or date before id, whichever comes first).
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

function init(args)
   local o = options(args)
   local template = o.template or os.getenv("BENCH_TEMPLATE")
   token = o.token or os.getenv("SOKBO_TOKEN") or ""
   nthreads = tonumber(o.threads or os.getenv("BENCH_THREADS") or "")
   quota = tonumber(o.posts or os.getenv("BENCH_POSTS") or "0") or 0
   total = quota
   scatter = (o.dates or os.getenv("BENCH_DATES")) == "scatter"
   local path = o.path or "/api/articles"
   if not template then
      error("post.lua: no template (template=FILE or BENCH_TEMPLATE)")
   end
   local f = assert(io.open(template, "rb"))
   local all = f:read("*a")
   f:close()
   docs = {}
   local start = 1
   while true do
      local z = all:find("\0", start, true)
      table.insert(docs, split_template(all:sub(start, (z or 0) - 1)))
      if not z then break end
      start = z + 1
   end

   -- This thread's share of the posts.
   if quota > 0 then
      if not nthreads then
         error("post.lua: posts= needs threads= (wrk's -t)")
      end
      local share = math.floor(quota / nthreads)
      if tid < quota % nthreads then share = share + 1 end
      if share < 1 then
         error("post.lua: posts= must be at least threads=")
      end
      quota = share
   end
   posted = 0       -- requests made
   answered = 0     -- POST answers received
   created = 0      -- 201
   other2xx = 0     -- 200 (an id posted twice)
   failed = 0       -- anything else
   first_errors = ""
   finished = false
   verified = tid ~= 0
   now = os.time()
   post_path = path
   post_headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "text/markdown; charset=utf-8",
   }
   -- Once this thread's posts are made, its connections only ask for
   -- /healthz until the last POST answer is in; those answers are not
   -- counted.
   filler = wrk.format("GET", "/healthz")
end

-- article_time is the date of article i: by default the ids advance
-- through the year before the run, so that every post is the newest, as in
-- a newsroom's live feed, and the newest 50 (the feed) are the last 50
-- posted, from 50 different template documents; with dates=scatter they
-- are scattered over that year, as in a backfill of an archive (7919 is
-- prime).
local year = 365 * 24 * 3600

function article_time(i)
   if scatter then
      return now - (i * 7919) % year
   end
   if total > 0 then
      return now - math.floor((total - 1 - i) * year / total)
   end
   return now - year + i
end

function request()
   -- wrk calls request() once on thread 0 before it starts, only to check
   -- the request; that one is never sent, so it must not use up an id.
   local verifying = not verified
   verified = true
   if quota > 0 and posted >= quota then
      if not all_posted_at then all_posted_at = os.time() end
      return filler
   end
   local i
   if nthreads then
      i = tid + posted * nthreads
   else
      i = tid * 1000000000 + posted
   end
   if not verifying then
      posted = posted + 1
   end
   local d = docs[(i % #docs) + 1]
   local id = "bench-" .. i
   local date = os.date("!%Y-%m-%d %H:%M:%S +0000", article_time(i))
   local body
   if d[4] then
      body = d[1] .. date .. d[2] .. id .. d[3]
   else
      body = d[1] .. id .. d[2] .. date .. d[3]
   end
   return wrk.format("POST", post_path, post_headers, body)
end

-- stop_wrk ends wrk's run now rather than at the end of -d: its main
-- thread sleeps for -d, and SIGINT cuts that short, after which wrk joins
-- the (stopped) threads and reports as usual. kill(2) through LuaJIT's FFI;
-- not through os.execute, since system(3) ignores SIGINT in the caller
-- while the command runs.
function stop_wrk()
   local ok, ffi = pcall(require, "ffi")
   if ok then
      pcall(ffi.cdef, "int kill(int pid, int sig); int getpid(void);")
      ffi.C.kill(ffi.C.getpid(), 2)
   else
      os.execute("(sleep 0.01; kill -INT $PPID) &")
   end
end

local function finish()
   finished = true
   if done_file and nthreads then
      -- Count the finished threads in a file; the last one stops wrk.
      local f = io.open(done_file, "a")
      f:write(tid, "\n")
      f:close()
      local n = 0
      for _ in io.lines(done_file) do n = n + 1 end
      if n >= nthreads then
         stop_wrk()
      end
   end
   wrk.thread:stop()
end

function response(status, headers, body)
   if finished then
      return
   end
   if body == "ok\n" then
      -- A /healthz filler. A POST whose answer has not come 30 s after
      -- the last was sent is lost (its connection failed): give up on it.
      if all_posted_at and os.time() - all_posted_at > 30 then
         finish()
      end
      return
   end
   answered = answered + 1
   if status == 201 then
      created = created + 1
   elseif status >= 200 and status < 300 then
      other2xx = other2xx + 1
   else
      failed = failed + 1
      if failed <= 3 then
         first_errors = first_errors .. "  " .. status .. " " .. body:sub(1, 200):gsub("%s+$", "") .. "\n"
      end
   end
   if quota > 0 and answered >= quota then
      finish()
   end
end

function done(summary, latency, requests)
   local a, c, o, fl = 0, 0, 0, 0
   local errs = ""
   for _, t in ipairs(threads) do
      a = a + (t:get("answered") or 0)
      c = c + (t:get("created") or 0)
      o = o + (t:get("other2xx") or 0)
      fl = fl + (t:get("failed") or 0)
      errs = errs .. (t:get("first_errors") or "")
   end
   local secs = summary.duration / 1e6
   local sent = 0
   for _, t in ipairs(threads) do sent = sent + (t:get("posted") or 0) end
   io.write(string.format("posted %d articles in %.2fs: %d created (201), %d other 2xx, %d failed; %.0f articles/s\n",
      a, secs, c, o, fl, a / secs))
   if sent > a then
      io.write(string.format("%d posts sent got no answer\n", sent - a))
   end
   if fl > 0 then
      io.write("first failures:\n", errs)
   end
   local e = summary.errors
   if e.connect + e.read + e.write + e.timeout > 0 then
      io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
         e.connect, e.read, e.write, e.timeout))
   end
   if done_file and not os.getenv("BENCH_DONE_FILE") then
      os.remove(done_file)
   end
   io.write(string.format("POSTRESULT %d %d %d %d %.3f %d %d %d\n", a, c, o, fl, secs,
      latency:percentile(50), latency:percentile(99), latency.max))
end
