package io.asynccatalog.store;

import io.asynccatalog.domain.Instants;
import io.asynccatalog.domain.ReportLocation;
import io.asynccatalog.versions.StateCodec;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.VersionedProduct;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;

/**
 * The DynamoDB item form of a product record: its set fields (the price a DynamoDB number, an exact decimal, never a
 * binary float), the stamps of all its fields ({@link StateCodec}), its revision, when it was stored and where its
 * report is; a record not shown carries {@code expiresAt} (epoch seconds), the table's time-to-live attribute. An item
 * written before versions existed has neither stamps nor revision: it reads as its create (revision 0).
 */
public final class ProductItems {
  public static final String ID = "id";
  public static final String REV = "rev";
  public static final String EXPIRES_AT = "expiresAt";
  private static final String STAMPS = "stamps";
  /** Every attribute an item of a record may hold, the key first. */
  public static final java.util.List<String> ATTRIBUTES;

  static {
    java.util.List<String> all = new java.util.ArrayList<>();
    all.add(ID);
    all.addAll(VersionedProduct.FIELDS);
    all.addAll(java.util.List.of(STAMPS, REV, "storedAt", "reportKey", "reportOffset", "reportLength", "createdAt",
        EXPIRES_AT));
    ATTRIBUTES = java.util.List.copyOf(all);
    if (ATTRIBUTES.size() >= Integer.SIZE) {
      throw new IllegalStateException("statement shapes are cached by a bit per attribute: at most 31 attributes");
    }
  }

  private ProductItems() {}

  public static Map<String, AttributeValue> toItem(ProductRecord record) {
    AttributeValue[] values = values(record);
    Map<String, AttributeValue> item = new HashMap<>(20);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        item.put(ATTRIBUTES.get(i), values[i]);
      }
    }
    return item;
  }

  /** The record's attribute values in {@link #ATTRIBUTES} order, null where it holds none. */
  public static AttributeValue[] values(ProductRecord record) {
    AttributeValue[] values = new AttributeValue[ATTRIBUTES.size()];
    int i = 0;
    values[i++] = s(record.id());
    VersionedProduct state = record.state();
    for (String field : VersionedProduct.FIELDS) {
      String value = state.value(field);
      values[i++] = value == null ? null : "price".equals(field) ? AttributeValue.fromN(value) : s(value);
    }
    values[i++] = s(record.stamps());
    values[i++] = AttributeValue.fromN(Long.toString(record.rev()));
    values[i++] = s(Instants.format(record.storedAt()));
    ReportLocation report = record.report();
    values[i++] = report == null ? null : s(report.key());
    boolean range = report != null && report.isRange();
    values[i++] = range ? AttributeValue.fromN(Long.toString(report.offset())) : null;
    values[i++] = range ? AttributeValue.fromN(Integer.toString(report.length())) : null;
    values[i++] = record.visible() ? s(Instants.format(record.createdAt())) : null;
    values[i] = record.expiresAt() == null ? null
        : AttributeValue.fromN(Long.toString(record.expiresAt().getEpochSecond()));
    return values;
  }

  public static ProductRecord fromItem(Map<String, AttributeValue> item) {
    String id = text(item, ID);
    AttributeValue stamps = item.get(STAMPS);
    VersionedProduct state = stamps == null
        ? StateCodec.created(id, VersionClock.microsOf(Instants.parse(text(item, "createdAt"))), f -> value(item, f))
        : StateCodec.decode(stamps.s(), f -> value(item, f));
    AttributeValue rev = item.get(REV);
    AttributeValue offset = item.get("reportOffset");
    String reportKey = text(item, "reportKey");
    ReportLocation report = reportKey == null ? null : offset == null
        ? ReportLocation.whole(reportKey)
        : new ReportLocation(reportKey, Long.parseLong(offset.n()), Integer.parseInt(item.get("reportLength").n()));
    AttributeValue expires = item.get(EXPIRES_AT);
    return new ProductRecord(id, state, rev == null ? 0 : Long.parseLong(rev.n()),
        Instants.parse(text(item, "storedAt")), report,
        expires == null ? null : java.time.Instant.ofEpochSecond(Long.parseLong(expires.n())));
  }

  public static Map<String, AttributeValue> key(String id) {
    return Map.of(ID, s(id));
  }

  private static String value(Map<String, AttributeValue> item, String field) {
    AttributeValue value = item.get(field);
    return value == null ? null : "price".equals(field) ? value.n() : value.s();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static String text(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }
}
