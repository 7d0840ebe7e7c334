package io.asynccatalog.domain;

/**
 * Where a product's report is: a whole object ({@code offset} -1), or a byte range of a batch object that holds
 * the reports of the products stored together.
 */
public record ReportLocation(String key, long offset, int length) {
  public static ReportLocation whole(String key) {
    return new ReportLocation(key, -1, 0);
  }

  public boolean isRange() {
    return offset >= 0;
  }
}
