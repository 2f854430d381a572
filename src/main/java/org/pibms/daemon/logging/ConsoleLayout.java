package org.pibms.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Log lines for stdout in two forms, chosen at start from the environment.
 *
 * <p>Under systemd ({@code JOURNAL_STREAM} set) each line starts with a syslog priority prefix
 * ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug) and carries no
 * timestamp, since the journal adds its own; every line of a stack trace gets the error prefix,
 * because journald files each line separately. Otherwise the lines start with the local time.
 */
public final class ConsoleLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final boolean journal;

    public ConsoleLayout() {
        this(System.getenv("JOURNAL_STREAM") != null);
    }

    ConsoleLayout(boolean journal) {
        this.journal = journal;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        if (journal) {
            line.append(priority(event.getLevel()));
        } else {
            line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
        }
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 6; i++) {
            line.append(' ');
        }
        line.append(shortName(event.getLoggerName())).append(": ").append(event.getFormattedMessage()).append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            for (String traceLine : ThrowableProxyUtil.asString(thrown).split("\n")) {
                if (journal) {
                    line.append("<3>");
                }
                line.append(traceLine).append('\n');
            }
        }
        return line.toString();
    }

    static String priority(Level level) {
        int value = level.toInt();
        if (value >= Level.ERROR_INT) {
            return "<3>";
        }
        if (value >= Level.WARN_INT) {
            return "<4>";
        }
        if (value >= Level.INFO_INT) {
            return "<6>";
        }
        return "<7>";
    }

    private static String shortName(String loggerName) {
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }
}
