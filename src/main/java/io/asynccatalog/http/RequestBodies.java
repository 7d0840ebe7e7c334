package io.asynccatalog.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The body of a POST as the handlers read it: as sent, or inflated when it came with {@code Content-Encoding: gzip}.
 * The size limit applies to the inflated bytes and is checked while inflating, so a decompression bomb costs at most
 * the limit in memory and the time to inflate that much: it gets a 413 long before it is whole. Runs after the
 * {@code BodyHandler}, which has already bounded the bytes as sent by the same limit.
 */
public final class RequestBodies implements Handler<RoutingContext> {
  private static final String INFLATED = "catalog.inflatedBody";
  private static final int CHUNK = 16 * 1024;

  private final int limit;

  public RequestBodies(int limit) {
    this.limit = limit;
  }

  /** The request body's bytes, inflated if it was compressed; empty when there is none. */
  public static byte[] bytes(RoutingContext ctx) {
    byte[] inflated = ctx.get(INFLATED);
    if (inflated != null) {
      return inflated;
    }
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String encoding = ctx.request().getHeader("Content-Encoding");
    String coding = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
    if (coding.isEmpty() || coding.equals("identity")) {
      ctx.next();
      return;
    }
    if (!coding.equals("gzip") && !coding.equals("x-gzip")) {
      ctx.response().putHeader("Accept-Encoding", "gzip");
      Problems.send(ctx, 415, "unsupported-content-encoding", "Unsupported Media Type",
          "Content-Encoding '" + encoding + "' is not supported; send the body as is or with gzip.");
      return;
    }
    Buffer body = ctx.body().buffer();
    try {
      ctx.put(INFLATED, inflate(body == null ? new byte[0] : body.getBytes()));
      ctx.next();
    } catch (TooLarge e) {
      ctx.response().putHeader("Connection", "close");
      Problems.send(ctx, 413, "body-too-large", "Content Too Large",
          "The request body is larger than " + limit + " bytes once decompressed.");
    } catch (IOException e) {
      Problems.send(ctx, 400, "invalid-content-encoding", "Bad Request",
          "The body is not valid gzip: " + e.getMessage() + ".", List.of(new io.asynccatalog.domain.FieldError(
              "Content-Encoding", "the body does not decompress as gzip")));
    }
  }

  private static final class TooLarge extends IOException {
    TooLarge() {
      super(null, null);
    }
  }

  /** Inflates in chunks, giving up as soon as the output passes the limit. */
  private byte[] inflate(byte[] compressed) throws IOException {
    if (compressed.length == 0) {
      throw new IOException("the body is empty");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, Math.max(CHUNK, compressed.length * 4)));
    byte[] chunk = new byte[CHUNK];
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), CHUNK)) {
      int read;
      while ((read = in.read(chunk)) > 0) {
        if (out.size() + read > limit) {
          throw new TooLarge();
        }
        out.write(chunk, 0, read);
      }
    } catch (TooLarge e) {
      throw e;
    } catch (java.io.EOFException e) {
      throw new IOException("it ends before the compressed data does");
    } catch (java.util.zip.ZipException e) {
      throw new IOException(e.getMessage() == null ? "it is corrupt" : e.getMessage().toLowerCase(Locale.ROOT));
    } catch (IOException | RuntimeException e) {
      throw new IOException("it is corrupt");
    }
    return out.toByteArray();
  }
}
