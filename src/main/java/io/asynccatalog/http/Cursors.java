package io.asynccatalog.http;

import io.asynccatalog.domain.ProductIds;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: a version tag and the last id of the page, base64url-encoded. */
final class Cursors {
  private static final String VERSION = "p1:";

  private Cursors() {}

  static String encode(String lastId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + lastId).getBytes(StandardCharsets.UTF_8));
  }

  /** The id a cursor continues after, or null when it is not one of ours. */
  static String decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith(VERSION)) {
        return null;
      }
      String id = text.substring(VERSION.length());
      return ProductIds.isWellFormed(id) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
