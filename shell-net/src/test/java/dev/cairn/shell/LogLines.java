package dev.cairn.shell;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one class's logger logs from {@link #of} until {@link #close}: the events, in order. */
public final class LogLines implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts taking what the logger of {@code owner} logs. */
  public static LogLines of(Class<?> owner) {
    return new LogLines((Logger) LoggerFactory.getLogger(owner));
  }

  /** The events logged so far (at the levels the logger lets through). */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  /** Forgets the events logged so far. */
  public void clear() {
    appender.list.clear();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
