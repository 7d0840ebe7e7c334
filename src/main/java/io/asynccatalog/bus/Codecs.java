package io.asynccatalog.bus;

import io.vertx.core.eventbus.EventBus;

/** Registers the local codecs of every message type; called once per Vert.x instance. */
public final class Codecs {
  private Codecs() {}

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(EnqueueRequest.class, new LocalCodec<>(EnqueueRequest.class));
    bus.registerDefaultCodec(EnqueueResult.class, new LocalCodec<>(EnqueueResult.class));
    bus.registerDefaultCodec(SaveBatch.class, new LocalCodec<>(SaveBatch.class));
    bus.registerDefaultCodec(SaveOutcome.class, new LocalCodec<>(SaveOutcome.class));
  }
}
