package io.asynccatalog.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every log line written while it is open, as text (message, key-value pairs, exceptions): the service's own
 * loggers and the journey log at their most verbose, kept here only (not on the console), and everything else at
 * the levels configured.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private static final List<String> OWN = List.of("io.asynccatalog", "catalog.journey");
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final java.util.Map<String, Level> levels = new java.util.HashMap<>();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  public static LogCapture open() {
    LogCapture capture = new LogCapture();
    capture.setContext(capture.context);
    capture.start();
    capture.context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    for (String name : OWN) {
      Logger logger = capture.context.getLogger(name);
      capture.levels.put(name, logger.getLevel());
      logger.setLevel(Level.ALL);
      logger.setAdditive(false);
      logger.addAppender(capture);
    }
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ').append(event.getLoggerName())
        .append(' ').append(event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      event.getKeyValuePairs().forEach(kv -> line.append(' ').append(kv.key).append('=').append(kv.value));
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    lines.add(line.toString());
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    for (String name : OWN) {
      Logger logger = context.getLogger(name);
      logger.detachAppender(this);
      logger.setAdditive(true);
      logger.setLevel(levels.get(name));
    }
    stop();
  }
}
