package io.asynccatalog.pipeline;

import io.asynccatalog.testing.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An idle publisher (no SendMessageBatch in flight) waits {@code CATALOG_ENQUEUE_IDLE_LINGER_MS} for more products
 * before it sends, so that products arriving close together share one call, and one packed message, even below
 * saturation.
 */
class EnqueueBatchingTest {
  private static final int PRODUCTS = 6;

  @TempDir
  Path dir;

  @Test
  void productsArrivingWhileAnIdlePublisherLingersShareOneSend() throws Exception {
    // a long idle linger: the first product waits for the others, which are all posted well within it
    try (RunningApp service = RunningApp.start("idle-linger", dir, json -> json
        .put("CATALOG_CONSUMER_INSTANCES", 0)
        .put("CATALOG_ENQUEUE_IDLE_LINGER_MS", 1000))) {
      ExecutorService clients = Executors.newFixedThreadPool(PRODUCTS);
      List<Future<HttpResponse<String>>> posts = new ArrayList<>();
      for (int i = 0; i < PRODUCTS; i++) {
        String body = "{\"name\":\"Lingered " + i + "\",\"price\":1}";
        posts.add(clients.submit(() -> service.http.postJson(body)));
      }
      for (Future<HttpResponse<String>> post : posts) {
        HttpResponse<String> accepted = post.get();
        assertEquals(202, accepted.statusCode(), accepted.body());
      }
      clients.shutdown();

      assertEquals(1, service.http.meter("catalog_enqueue_batch_size_count"),
          "one SendMessageBatch for all the products (without the idle linger the first goes alone at once)");
      assertEquals(PRODUCTS, service.http.meter("catalog_enqueue_batch_size_sum"));
      assertEquals(1, service.messagesIn(service.resources().queueUrl()), "packed: one message holds them all");
      assertEquals(PRODUCTS, service.http.meter("catalog_enqueue_pack_size_sum"), "every product is in it");
    }
  }
}
