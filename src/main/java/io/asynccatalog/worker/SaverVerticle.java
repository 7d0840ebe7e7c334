package io.asynccatalog.worker;

import io.asynccatalog.aws.Dependencies;
import io.asynccatalog.bus.Addresses;
import io.asynccatalog.bus.SaveBatch;
import io.asynccatalog.bus.SaveOutcome;
import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductReport;
import io.asynccatalog.store.ProductItems;
import io.asynccatalog.store.ProductTable;
import io.asynccatalog.store.ReportBucket;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores batches of products: one BatchWriteItem for the table items, then one report object per stored product.
 * A product counts as stored only when both writes succeeded; everything else is named in the outcome with its
 * reason, so the consumer deletes exactly the messages that are done.
 */
public final class SaverVerticle extends VerticleBase {
  private final ProductTable table;
  private final ReportBucket reports;
  private final String reportPrefix;
  private MessageConsumer<SaveBatch> consumer;

  public SaverVerticle(ProductTable table, ReportBucket reports, String reportPrefix) {
    this.table = table;
    this.reports = reports;
    this.reportPrefix = reportPrefix;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.SAVE, this::onBatch);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void onBatch(Message<SaveBatch> request) {
    // one write per product id: a batch may hold duplicate deliveries, and BatchWriteItem refuses duplicate keys
    Map<String, Product> products = new LinkedHashMap<>();
    request.body().products().forEach(p -> products.putIfAbsent(p.id(), p));
    save(products).onComplete(result -> request.reply(result.succeeded()
        ? result.result()
        : SaveOutcome.allFailed(products.keySet(), "DynamoDB: " + result.cause().getMessage())));
  }

  private Future<SaveOutcome> save(Map<String, Product> products) {
    Instant storedAt = Instant.now();
    Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
    for (Product p : products.values()) {
      items.put(p.id(), ProductItems.toItem(p, storedAt, ProductReport.objectKey(reportPrefix, p.id())));
    }
    return table.putAll(new ArrayList<>(items.values()))
        .recover(error -> items.size() > 1 && !Dependencies.isOutage(error)
            ? putOneByOne(items) // DynamoDB refused the whole batch: find the item it refuses, store the others
            : Future.failedFuture(error))
        .compose(written -> writeReports(products, written));
  }

  private Future<Set<String>> putOneByOne(Map<String, Map<String, AttributeValue>> items) {
    List<Future<String>> puts = new ArrayList<>(items.size());
    items.forEach((id, item) -> puts.add(table.put(item).map(id)));
    return Future.join(puts).transform(done -> {
      Set<String> written = new HashSet<>();
      puts.stream().filter(Future::succeeded).forEach(f -> written.add(f.result()));
      return Future.succeededFuture(written);
    });
  }

  private Future<SaveOutcome> writeReports(Map<String, Product> products, Set<String> written) {
    Map<String, String> failed = new HashMap<>();
    List<Future<String>> puts = new ArrayList<>(written.size());
    for (Product p : products.values()) {
      if (!written.contains(p.id())) {
        failed.put(p.id(), "DynamoDB left the item unprocessed");
        continue;
      }
      puts.add(reports.put(ProductReport.objectKey(reportPrefix, p.id()), ProductReport.render(p),
              ProductReport.CONTENT_TYPE)
          .map(p.id())
          .onFailure(error -> failed.put(p.id(), "S3: " + error.getMessage())));
    }
    return Future.join(puts).transform(done -> {
      Set<String> stored = new HashSet<>();
      puts.stream().filter(Future::succeeded).forEach(f -> stored.add(f.result()));
      return Future.succeededFuture(new SaveOutcome(stored, failed));
    });
  }
}
