package io.asynccatalog.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportBucketTest {
  @Test
  void crc32IsTheBase64OfTheBigEndianChecksumAsS3ExpectsIt() {
    // the CRC-32 check value: CRC32("123456789") = 0xCBF43926
    assertEquals("y/Q5Jg==", ReportBucket.crc32("123456789".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("AAAAAA==", ReportBucket.crc32(new byte[0]));
  }
}
