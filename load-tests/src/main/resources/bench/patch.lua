-- single-product merge patches of the price, to the skus the upsert runs wrote (most of them exist by then)
request = function()
  return wrk.format("PATCH", "/products/sku/U-" .. math.random(1, 200000),
    {["Content-Type"] = "application/merge-patch+json"}, '{"price":"' .. math.random(1, 99) .. '.50"}')
end
