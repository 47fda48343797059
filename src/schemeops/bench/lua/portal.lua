-- wrk script: every request signs in as the next participant of the cookie file (one session
-- cookie per line), so consecutive requests ask for different participants' portals.
local cookies = {}
for line in io.lines(os.getenv("SCHEMEOPS_COOKIES")) do cookies[#cookies + 1] = line end
local i = 0

request = function()
  i = i + 1
  local cookie = cookies[(i - 1) % #cookies + 1]
  return wrk.format("GET", wrk.path, {["Cookie"] = "schemeops=" .. cookie})
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT p50_us=%d p95_us=%d p99_us=%d max_us=%d requests=%d duration_us=%d " ..
    "non2xx=%d socket_errors=%d cookies=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    #cookies))
end
