package io.asynccatalog.queue;

import io.asynccatalog.domain.Product;
import io.asynccatalog.domain.ProductIds;
import io.asynccatalog.domain.ProductJson;
import io.asynccatalog.tracing.TraceContext;
import io.asynccatalog.versions.ProductWrite;
import io.asynccatalog.versions.Stamp;
import io.asynccatalog.versions.VersionedProduct;
import io.asynccatalog.versions.Write;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of product messages. Format 1 holds one product ({@code {"v":1,"id":...}}, its trace context in a
 * message attribute); format 2 is a pack ({@code {"v":2,"products":[{"id":...,"attempts":1,"tp":"00-..."}]}}),
 * each product with its own attempt count and trace context, {@code "resent":true} on a product sent again
 * without having failed (a keyed client retry, a redrive), and {@code "deferred":n} on a product handed on n times
 * because a dependency could not take it. A pack may state an acceptance time and trace context
 * once ({@code {"v":2,"createdAt":...,"tp":...,"products":[...]}}) for the entries that do not carry their own: the
 * products of one request share them, and leaving them out of each entry makes a pack a third smaller. Readers take both, so that instances that write packs
 * and instances that do not can share a queue while a fleet is upgraded.
 *
 * <p>Format 3 ({@code {"v":3,"writes":[...]}}) carries writes other than creates: replaces, merge patches and
 * deletes ({@code {"op":"patch","id":...,"ver":...,"w":<write id>,"set":{...}}}; {@code "cv":true} and
 * {@code "at"} on a version the client gave), beside entries of the product form (creates) and with the same
 * per-entry fields. A reader before versions existed refuses it as an unknown version rather than taking a patch or
 * a delete for a create; so writers send it only once every reader knows it ({@code CATALOG_VERSIONED_WRITES}).
 * Creates keep the formats every reader knows: a create's version is its acceptance time.
 */
public final class ProductMessages {
  /** The pack format's version. */
  public static final int PACK_VERSION = 2;
  /** The format that carries versioned writes. */
  public static final int WRITES_VERSION = 3;
  private static final String WRITE_ENTRY = "{\"op\"";
  private static final String PACK_HEAD = "{\"v\":" + PACK_VERSION + ",\"products\":[";
  private static final String PACK_TAIL = "]}";
  /** Bytes a pack adds around its entries (head, tail) besides one comma between two entries. */
  public static final int PACK_OVERHEAD = PACK_HEAD.length() + PACK_TAIL.length();
  private static final String CREATED_AT = "createdAt";
  private static final String TRACE = "tp";
  private static final String DEFERRALS = "deferred";

  private ProductMessages() {}

  /** A format-1 body: one product. */
  public static String single(Product product) {
    return ProductJson.toMessage(product);
  }

  /** One product's entry of a pack. */
  public static String packEntry(Product product, int attempts, String traceparent) {
    return packEntry(product, attempts, traceparent, false);
  }

  /** One product's entry of a pack; {@code resent}: sent before, so perhaps stored already. */
  public static String packEntry(Product product, int attempts, String traceparent, boolean resent) {
    return packEntry(product, attempts, 0, traceparent, resent);
  }

  /**
   * One product's entry of a pack, handed on {@code deferrals} times for a dependency's fault. Readers before this
   * field existed ignore it (they read a product's fields by name), so a fleet may mix them.
   */
  public static String packEntry(Product product, int attempts, int deferrals, String traceparent, boolean resent) {
    return withExtras(ProductJson.fields(product, new JsonObject()), attempts, deferrals, traceparent, resent);
  }

  /** One write's entry: of the product form for a create (every reader knows it), of the write form otherwise. */
  public static String entry(Write write, int attempts, int deferrals, String traceparent, boolean resent) {
    JsonObject json = write.isCreate() ? ProductJson.fields(write.asProduct(), new JsonObject()) : writeFields(write);
    return withExtras(json, attempts, deferrals, traceparent, resent);
  }

  /** A write's entry without its trace context, for a request's pack (a create as {@link #coreEntry(Product, boolean)}). */
  public static String coreEntry(Write write, boolean resent) {
    if (write.isCreate()) {
      return coreEntry(write.asProduct(), resent);
    }
    JsonObject json = writeFields(write);
    if (resent) {
      json.put("resent", true);
    }
    return json.encode();
  }

  private static JsonObject writeFields(Write write) {
    Stamp stamp = write.stamp();
    JsonObject json = new JsonObject().put("op", write.kind().name().toLowerCase(Locale.ROOT))
        .put("id", write.productId()).put("ver", stamp.version()).put("w", stamp.writeId());
    if (stamp.clientVersion()) {
      json.put("cv", true).put("at", stamp.acceptedMicros());
    }
    if (write.kind() != ProductWrite.Kind.DELETE) {
      JsonObject set = new JsonObject();
      write.change().values().forEach(set::put);
      json.put("set", set);
    }
    return json;
  }

  private static String withExtras(JsonObject json, int attempts, int deferrals, String traceparent, boolean resent) {
    if (attempts > 0) {
      json.put("attempts", attempts);
    }
    if (deferrals > 0) {
      json.put(DEFERRALS, deferrals);
    }
    if (resent) {
      json.put("resent", true);
    }
    if (traceparent != null) {
      json.put("tp", traceparent);
    }
    return json.encode();
  }

  /**
   * A product's entry without its acceptance time and trace context, which a pack may state once for all the
   * products that share them (those of one request): see {@link #withShared} and {@link #pack(String, String, List)}.
   */
  public static String coreEntry(Product product, boolean resent) {
    JsonObject json = ProductJson.fields(product, new JsonObject());
    json.remove(CREATED_AT);
    if (resent) {
      json.put("resent", true);
    }
    return json.encode();
  }

  /** A core entry with its own acceptance time and trace context, for a pack whose shared ones differ. */
  public static String withShared(String coreEntry, String createdAt, String traceparent) {
    StringBuilder entry = new StringBuilder(coreEntry.length() + 100).append(coreEntry, 0, coreEntry.length() - 1)
        .append(",\"").append(CREATED_AT).append("\":\"").append(createdAt).append('"');
    if (traceparent != null) {
      entry.append(",\"").append(TRACE).append("\":\"").append(traceparent).append('"');
    }
    return entry.append('}').toString();
  }

  /** Bytes a pack's shared acceptance time and trace context add to it. */
  public static int sharedBytes(String createdAt, String traceparent) {
    return 16 + createdAt.length() + (traceparent == null ? 0 : 8 + traceparent.length());
  }

  /**
   * A format-2 body whose products share an acceptance time and trace context (null: none), stated once; entries
   * that have others carry their own ({@link #withShared}).
   */
  public static String pack(String createdAt, String traceparent, List<String> entries) {
    String head = "{\"v\":" + version(entries) + ",\"" + CREATED_AT + "\":\"" + createdAt + "\""
        + (traceparent == null ? "" : ",\"" + TRACE + "\":\"" + traceparent + "\"") + ",\"" + listName(entries)
        + "\":[";
    return join(head, entries);
  }

  /** A format-2 body from entries made by {@link #packEntry}. */
  public static String pack(List<String> entries) {
    return join(version(entries) == PACK_VERSION ? PACK_HEAD
        : "{\"v\":" + WRITES_VERSION + ",\"writes\":[", entries);
  }

  /** Format 3 when any entry is of the write form, else format 2, which readers before versions know. */
  private static int version(List<String> entries) {
    for (String entry : entries) {
      if (entry.startsWith(WRITE_ENTRY)) {
        return WRITES_VERSION;
      }
    }
    return PACK_VERSION;
  }

  private static String listName(List<String> entries) {
    return version(entries) == PACK_VERSION ? "products" : "writes";
  }

  private static String join(String head, List<String> entries) {
    int length = head.length() + PACK_TAIL.length() + Math.max(0, entries.size() - 1);
    for (String entry : entries) {
      length += entry.length();
    }
    StringBuilder body = new StringBuilder(length).append(head);
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(entries.get(i));
    }
    return body.append(PACK_TAIL).toString();
  }

  /** An entry of a pack that is not a product: its text, and why. */
  public record Rejected(String entry, String reason) {}

  /** What a message holds: its writes, the entries of a pack that are not writes, and whether it is a pack. */
  public record Contents(List<QueuedWrite> products, List<Rejected> rejected, boolean pack) {
    public int size() {
      return products.size() + rejected.size();
    }
  }

  /**
   * Reads a message of any format. Throws {@link IllegalArgumentException} when the message as a whole is not
   * one (no retry can fix it); a pack's entries that are not writes are returned as {@link Rejected}, so that they
   * do not hold back the others.
   */
  public static Contents read(Message message) {
    return read(message.body(), traceAttribute(message));
  }

  static Contents read(String body, String traceAttribute) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a product message: " + e.getMessage(), e);
    }
    Object version = json.getValue("v");
    if (Integer.valueOf(ProductJson.MESSAGE_VERSION).equals(version)) {
      return new Contents(List.of(new QueuedWrite(Write.create(ProductJson.fromFields(json)), 0, traceAttribute,
          false)), List.of(), false);
    }
    boolean writes = Integer.valueOf(WRITES_VERSION).equals(version);
    if (!writes && !Integer.valueOf(PACK_VERSION).equals(version)) {
      throw new IllegalArgumentException("not a product message: unknown message version " + version);
    }
    Object entries = json.getValue(writes ? "writes" : "products");
    if (!(entries instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException("not a product message: a pack without entries");
    }
    Object sharedCreatedAt = json.getValue(CREATED_AT);
    Object sharedTrace = json.getValue(TRACE);
    List<QueuedWrite> products = new ArrayList<>(array.size());
    List<Rejected> rejected = new ArrayList<>(0);
    for (Object entry : array) {
      try {
        if (!(entry instanceof JsonObject fields)) {
          throw new IllegalArgumentException("not a product message: a pack entry is not an object");
        }
        if (sharedCreatedAt != null && !fields.containsKey(CREATED_AT)) {
          fields.put(CREATED_AT, sharedCreatedAt);
        }
        Object attempts = fields.getValue("attempts");
        Object deferrals = fields.getValue(DEFERRALS);
        Object trace = fields.containsKey(TRACE) ? fields.getValue(TRACE) : sharedTrace;
        Write write = writes && fields.containsKey("op") ? readWrite(fields)
            : Write.create(ProductJson.fromFields(fields));
        products.add(new QueuedWrite(write, attempts instanceof Integer n && n > 0 ? n : 0,
            trace instanceof String tp ? tp : null, Boolean.TRUE.equals(fields.getValue("resent")),
            deferrals instanceof Integer d && d > 0 ? d : 0));
      } catch (IllegalArgumentException e) {
        rejected.add(new Rejected(String.valueOf(entry instanceof JsonObject o ? o.encode() : entry), e.getMessage()));
      }
    }
    return new Contents(products, rejected, true);
  }

  /** A write entry; throws {@link IllegalArgumentException} for anything a write cannot be. */
  private static Write readWrite(JsonObject json) {
    try {
      ProductWrite.Kind kind = ProductWrite.Kind.valueOf(json.getString("op").toUpperCase(Locale.ROOT));
      String id = json.getString("id");
      if (!ProductIds.isWellFormed(id)) {
        throw new IllegalArgumentException("a write without a valid product id");
      }
      boolean client = Boolean.TRUE.equals(json.getValue("cv"));
      long ver = json.getLong("ver");
      String writeId = json.getString("w");
      Stamp stamp = client ? new Stamp(true, ver, writeId, json.getLong("at")) : Stamp.service(ver, writeId);
      Map<String, String> values = new HashMap<>();
      JsonObject set = json.getJsonObject("set");
      if (set != null) {
        for (String field : set.fieldNames()) {
          Object value = set.getValue(field);
          if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("field " + field + " is not text");
          }
          values.put(field, (String) value);
        }
      }
      for (String required : VersionedProduct.REQUIRED) {
        if (values.containsKey(required) ? values.get(required) == null : kind == ProductWrite.Kind.REPLACE) {
          throw new IllegalArgumentException("a " + kind + " without " + required);
        }
      }
      if (values.get("price") != null) {
        new BigDecimal(values.get("price")); // NumberFormatException is an IllegalArgumentException
      }
      return new Write(id, new ProductWrite(kind, stamp, values));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) { // missing fields, wrong types
      throw new IllegalArgumentException("not a write: " + e.getMessage(), e);
    }
  }

  private static String traceAttribute(Message message) {
    MessageAttributeValue trace = message.messageAttributes().get(TraceContext.HEADER);
    return trace == null ? null : trace.stringValue();
  }
}
