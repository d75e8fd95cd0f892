-- wrk script: the question page's autosave, POST .../questions/<n>/autosave, as the page's script
-- sends it: no cookies, the save token in the X-Save-Token header, a short urlencoded body with a
-- sequence number that rises with every save (so every save is written, none is stale).
-- Arguments (after --): the first sequence number, then one "attempt|save token|positions" per
-- wrk thread (each thread saves as its own candidate, to that attempt's single-choice positions).
--   wrk -t2 -c16 -d10s -s bench/wrk/autosave.lua http://127.0.0.1:PORT -- 1000 "12|TOKEN|1,2,5" "13|TOKEN|1,4"
-- Written by bench/saturation.py, which signs the candidates in and alternates this with hello-world.

local counter = 0

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("index", thread_count)
end

function init(args)
  seq = tonumber(args[1])
  local attempt_token, positions_text = string.match(args[1 + index], "^(.-|.-)|(.*)$")
  attempt, token = string.match(attempt_token, "^(.-)|(.*)$")
  positions = {}
  for p in string.gmatch(positions_text, "%d+") do positions[#positions + 1] = p end
end

function request()
  counter = counter + 1
  seq = seq + 1
  local path = "/tests/attempts/" .. attempt .. "/questions/" .. positions[(counter % #positions) + 1] .. "/autosave"
  return wrk.format("POST", path, {
    ["X-Save-Token"] = token,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "answer=" .. (counter % 4) .. "&seq=" .. seq)
end
