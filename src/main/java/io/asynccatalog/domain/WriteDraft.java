package io.asynccatalog.domain;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import io.asynccatalog.versions.ProductWrite;
import io.asynccatalog.versions.Stamp;
import io.asynccatalog.versions.VersionClock;
import io.asynccatalog.versions.Write;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A valid write request, before the service gives it its id and version: a create (a new product), or a replace, a
 * merge patch or a delete of the product {@code productId}, with the client's own version where it gave one.
 *
 * @param product the product of a create or a replace
 * @param patch the fields a patch sets (a null value removes the field)
 * @param clientVersion null: versioned by the service
 */
public record WriteDraft(Op op, String productId, ProductDraft product, Map<String, String> patch,
                         Long clientVersion) {
  public enum Op { CREATE, REPLACE, PATCH, DELETE }

  private static final NameBasedGenerator CONTENT_IDS =
      Generators.nameBasedGenerator(UUID.fromString("6f1d3c52-8a0b-4f6e-9d57-2c4a1e0b7d93"));

  public WriteDraft {
    Objects.requireNonNull(op, "op");
    if ((op == Op.CREATE) != (productId == null)) {
      throw new IllegalArgumentException("a create has no product id; every other write has one");
    }
  }

  public static WriteDraft create(ProductDraft product) {
    return new WriteDraft(Op.CREATE, null, product, null, null);
  }

  /**
   * The write's id: a new one, except for a write the client versioned, whose id follows from what it writes, so
   * that the same version with the same content is the same write (sent twice, it changes nothing) and two different
   * contents at one version are ordered alike on every instance.
   */
  public String writeId() {
    if (clientVersion == null) {
      return ProductIds.next();
    }
    StringBuilder content = new StringBuilder(op.name()).append('\n').append(productId).append('\n')
        .append(clientVersion);
    if (op != Op.DELETE) {
      new TreeMap<>(values()).forEach((k, v) -> content.append('\n').append(k).append('=').append(v));
    }
    return CONTENT_IDS.generate(content.toString().getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The accepted write: {@code writeId} its id (a create's product gets it as its id), {@code version} its version
   * when the service versions it and the acceptance time of every write, and {@code acceptedAt} the request's
   * acceptance time (a create's version: the creates of one request share it).
   */
  public Write accept(String writeId, long version, Instant acceptedAt) {
    if (op == Op.CREATE) {
      return Write.create(product.accept(writeId, acceptedAt));
    }
    Stamp stamp = clientVersion != null ? new Stamp(true, clientVersion, writeId, version)
        : Stamp.service(version, writeId);
    ProductWrite.Kind kind = switch (op) {
      case REPLACE -> ProductWrite.Kind.REPLACE;
      case PATCH -> ProductWrite.Kind.PATCH;
      default -> ProductWrite.Kind.DELETE;
    };
    return new Write(productId, new ProductWrite(kind, stamp, op == Op.DELETE ? Map.of() : values()));
  }

  private Map<String, String> values() {
    return op == Op.PATCH ? patch : Write.values(product.accept(productId, VersionClock.instantOf(0)));
  }
}
