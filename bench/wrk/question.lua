-- wrk script: a signed-in candidate's question pages, GET /tests/attempts/<id>/questions/<n>,
-- going round the attempt's questions 1..N, with the candidate's session cookie, which it renews
-- from each Set-Cookie as a browser does (the app re-signs the cookie at most once a minute).
-- Arguments (after --): cookie header, attempt id, number of questions.
--   wrk -t2 -c16 -d10s -s bench/wrk/question.lua http://127.0.0.1:PORT -- "session=..." 12 30
-- Written by bench/saturation.py, which signs the candidate in and alternates this with hello-world.

local counter = 0

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("index", thread_count)
end

function init(args)
  cookie = args[1]
  attempt = args[2]
  questions = tonumber(args[3])
  counter = (tonumber(index) or 0) * 7  -- threads start on different questions
end

function request()
  counter = counter + 1
  local path = "/tests/attempts/" .. attempt .. "/questions/" .. ((counter % questions) + 1)
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  local renewed = headers["Set-Cookie"]
  if renewed ~= nil then
    cookie = string.match(renewed, "^[^;]+")
  end
end
