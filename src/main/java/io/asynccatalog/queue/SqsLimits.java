package io.asynccatalog.queue;

/**
 * Amazon SQS's limits on standard queues that the publisher packs against. Since August 2025 a message and a
 * whole SendMessageBatch may each be 1 MiB on AWS (256 KiB before, and on queues whose MaximumMessageSize still
 * says so); ElasticMQ 1.7, the local SQS server, refuses a message over 1 MiB too.
 */
public final class SqsLimits {
  /** Largest message body. */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;
  /** Largest sum of the bodies of one SendMessageBatch. */
  public static final int MAX_BATCH_BYTES = 1 << 20;
  /** Entries per batch call and messages per receive. */
  public static final int MAX_BATCH_ENTRIES = 10;
  /** Longest per-message delay of a standard queue, in seconds. */
  public static final int MAX_DELAY_SECONDS = 900;

  private SqsLimits() {}

  /** The UTF-8 length of a text, which is what SQS counts, without encoding it. */
  public static int utf8Length(String text) {
    int bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
          bytes += 2; // four bytes for the pair's two chars
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}
