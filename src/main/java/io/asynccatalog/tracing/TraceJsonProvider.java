package io.asynccatalog.tracing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractJsonProvider;
import org.slf4j.event.KeyValuePair;

import java.io.IOException;

/**
 * Adds {@code traceId} and {@code spanId} to a JSON log line written while serving a request or storing a group
 * ({@link LogTrace}), unless the line names its own (the journey lines name each product's).
 */
public final class TraceJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    TraceContext trace = LogTrace.current();
    if (trace == null || namesItsOwn(event)) {
      return;
    }
    generator.writeStringField("traceId", trace.traceId());
    generator.writeStringField("spanId", trace.spanId());
  }

  private static boolean namesItsOwn(ILoggingEvent event) {
    if (event.getKeyValuePairs() == null) {
      return false;
    }
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      if ("traceId".equals(pair.key)) {
        return true;
      }
    }
    return false;
  }
}
