package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * The logging configuration the jar ships: it parses without a complaint (a broken file makes
 * Logback print a stack trace and fall back to its defaults), and a line starts with the UTC
 * instant the trace commands print and read, whatever the machine's zone, and no message spans two lines.
 */
class LogFormatTest {

  @Test
  void shippedConfigurationParsesAndStampsLinesWithUtcInstants() throws Exception {
    TimeZone saved = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata")); // +05:30: a local time would show
    try {
      LoggerContext context = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try (InputStream in = LogFormatTest.class.getResourceAsStream("/logback.xml")) {
        assertThat(in).as("logback.xml on the classpath").isNotNull();
        configurator.doConfigure(in);
      }
      for (Status s : context.getStatusManager().getCopyOfStatusList()) {
        assertThat(s.getLevel()).as("Logback status: %s", s.getMessage()).isLessThan(Status.WARN);
      }
      var appender = (ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
          context.getLogger("ROOT").getAppender("STDERR");
      assertThat(appender).as("the STDERR appender").isNotNull();
      var encoder = (PatternLayoutEncoder) appender.getEncoder();
      ch.qos.logback.classic.Logger logger = context.getLogger("dev.cairn.shell.node.Node");
      LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "event=listening", null, null);
      event.setTimeStamp(Instant.parse("2026-11-22T03:12:00.250Z").toEpochMilli());
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      assertThat(line).startsWith("2026-11-22T03:12:00.250Z INFO ").contains("event=listening");
      // every line is one line: a control character that reached a message is written as '?'
      LoggingEvent forged = new LoggingEvent("x", logger, Level.INFO,
          "event=x reason=\"a\n2026-11-22T03:12:00.250Z INFO forged\u001b[31m\r\"", null, null);
      String one = new String(encoder.encode(forged), StandardCharsets.UTF_8);
      assertThat(one).endsWith("event=x reason=\"a?2026-11-22T03:12:00.250Z INFO forged?[31m?\"" + System.lineSeparator());
      context.stop();
    } finally {
      TimeZone.setDefault(saved);
    }
  }
}
