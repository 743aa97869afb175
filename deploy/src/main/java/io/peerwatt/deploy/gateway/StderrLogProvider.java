package io.peerwatt.deploy.gateway;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the gateway's own jar: one line per event on stderr, as the full jar's
 * logback.xml writes it ({@code HH:mm:ss.SSS LEVEL logger - message}), PeerWatt's loggers at {@code
 * PEERWATT_LOG_LEVEL} (default INFO) and the rest at WARN. On a small board logback's classes cost
 * more memory than the gateway's own; this is all the gateway needs from a logging backend.
 * Registered only in that jar ({@code src/gateway-jar/slf4j-provider}, added as a service by the
 * gateway-jar shade execution).
 */
public final class StderrLogProvider implements SLF4JServiceProvider {
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private ILoggerFactory loggers;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    Level peerwatt = level(System.getenv("PEERWATT_LOG_LEVEL"));
    ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();
    loggers =
        name ->
            byName.computeIfAbsent(
                name,
                n ->
                    new StderrLogger(
                        n, n.startsWith("io.peerwatt") ? peerwatt : Level.WARN, System.err));
  }

  /**
   * {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR} (any case); INFO
   * otherwise.
   */
  static Level level(String text) {
    if (text != null) {
      for (Level l : Level.values()) {
        if (l.name().equalsIgnoreCase(text.trim())) {
          return l;
        }
      }
    }
    return Level.INFO;
  }

  /**
   * One logger: events at {@code threshold} or more severe are written, with the stack trace of a
   * throwable.
   */
  static final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final transient PrintStream out;
    private final Level threshold;
    private final String shortName;

    StderrLogger(String name, Level threshold, PrintStream out) {
      this.name = name;
      this.threshold = threshold;
      this.out = out;
      this.shortName = abbreviate(name);
    }

    /** {@code io.peerwatt.gateway.metering.MeterDriver} as {@code i.p.g.m.MeterDriver}. */
    static String abbreviate(String name) {
      String[] parts = name.split("\\.");
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        out.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
      }
      return out.append(parts[parts.length - 1]).toString();
    }

    private boolean enabled(Level level) {
      return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
      String line =
          LocalTime.now().format(TIME)
              + " "
              + String.format("%-5s", level)
              + " "
              + shortName
              + " - "
              + MessageFormatter.basicArrayFormat(pattern, arguments);
      synchronized (out) {
        out.println(line);
        if (throwable != null) {
          throwable.printStackTrace(out);
        }
      }
    }
  }
}
