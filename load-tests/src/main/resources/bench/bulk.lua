-- bulk requests of ${BULK_SIZE} products, each with a unique name
local counter = 0
local thread_tag = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, ${BULK_SIZE} do
    parts[i] = '{"name":"Bench ' .. thread_tag .. '-' .. counter .. '-' .. i .. '","description":"Blue ink",'
      .. '"price":"1.99","category":"bench"}'
  end
  return wrk.format("POST", "/products/batch", {["Content-Type"] = "application/json"},
    '{"products":[' .. table.concat(parts, ",") .. ']}')
end
