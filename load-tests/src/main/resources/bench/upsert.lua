-- bulk upserts by key: ${BULK_SIZE} replaces per request, a fifth of them to a hot set of 100 skus, the others to
-- 200,000 skus (new at first, then more and more of them existing)
local counter = 0
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, ${BULK_SIZE} do
    local sku
    if math.random(1, 5) == 1 then sku = "H-" .. math.random(0, 99) else sku = "U-" .. math.random(1, 200000) end
    parts[i] = '{"op":"replace","sku":"' .. sku .. '","product":{"name":"Upsert ' .. counter .. '-' .. i
      .. '","description":"Blue ink","price":"' .. math.random(1, 99) .. '.99","category":"bench"}}'
  end
  return wrk.format("POST", "/products/batch", {["Content-Type"] = "application/json"},
    '{"writes":[' .. table.concat(parts, ",") .. ']}')
end
