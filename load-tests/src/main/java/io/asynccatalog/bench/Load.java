package io.asynccatalog.bench;

/** What wrk sends in a mode: its Lua script (in resources/bench/), the path it posts to and which connection count. */
enum Load {
  /** One product per POST. */
  SINGLE("single", "/products", false),
  /** Bulk requests of BENCH_BULK_SIZE products. */
  BULK("bulk", "/products/batch", true),
  /** Bulk replaces by sku, a fifth of them to 100 hot skus. */
  UPSERT("upsert", "/products/batch", true),
  /** Single merge patches of the price, by sku. */
  PATCH("patch", "/products", false);

  final String script;
  final String path;
  final boolean bulk;

  Load(String script, String path, boolean bulk) {
    this.script = script;
    this.path = path;
    this.bulk = bulk;
  }

  /** Versioned writes: the open-model client sends creates only, so these have no sustained search. */
  boolean versioned() {
    return this == UPSERT || this == PATCH;
  }
}
