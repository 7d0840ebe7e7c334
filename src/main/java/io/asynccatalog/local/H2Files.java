package io.asynccatalog.local;

/** What the local servers' H2 files share. */
public final class H2Files {
  /**
   * How long H2 keeps replaced parts of a file before it reuses the space. The local servers commit every call, and
   * with H2's default (45 s) the SQS server's file held 1.5 GB of dead data under load, the local servers wrote 3.8
   * times as much to disk, and the DynamoDB server's file grew by about 19 KB per commit. One second still covers any
   * commit's writes; 0 can leave a file H2 refuses to reopen (h2database #2752).
   */
  public static final int RETENTION_MS = 1000;

  private H2Files() {}
}
