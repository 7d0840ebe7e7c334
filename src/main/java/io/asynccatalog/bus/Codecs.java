package io.asynccatalog.bus;

import io.asynccatalog.domain.Product;
import io.vertx.core.eventbus.EventBus;

/** Registers the local codecs of every message type; called once per Vert.x instance. */
public final class Codecs {
  private Codecs() {}

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(Product.class, new LocalCodec<>(Product.class));
    bus.registerDefaultCodec(SaveBatch.class, new LocalCodec<>(SaveBatch.class));
    bus.registerDefaultCodec(SaveOutcome.class, new LocalCodec<>(SaveOutcome.class));
  }
}
