-- single POSTs of one product, each with a unique name
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local body = '{"name":"Bench ' .. thread_tag .. '-' .. counter .. '","description":"Blue ink",'
    .. '"price":"1.99","category":"bench"}'
  return wrk.format("POST", "/products", {["Content-Type"] = "application/json"}, body)
end
