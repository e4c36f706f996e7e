-- Makes a wrk -t1 run stop after CS_WRK_LIMIT responses: the thread stops and writes the file
-- CS_WRK_DONE; bench/load then sends wrk SIGINT (wrk otherwise sleeps out its -d duration).
local limit = tonumber(os.getenv("CS_WRK_LIMIT") or "100000")
local marker = os.getenv("CS_WRK_DONE")
local seen = 0
function response(status, headers, body)
  seen = seen + 1
  if seen == limit then
    if marker then
      local f = io.open(marker, "w")
      if f then f:write(tostring(seen)); f:close() end
    end
    wrk.thread:stop()
  end
end
