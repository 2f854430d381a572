package org.pibms.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class ConsoleLayoutTest {

    private final Logger logger = new LoggerContext().getLogger("org.pibms.control.Protection");

    @Test
    void underSystemdEachLineCarriesItsPriorityAndNoTime() {
        ConsoleLayout journal = new ConsoleLayout(true);

        assertThat(journal.doLayout(event(Level.ERROR, null))).isEqualTo("<3>ERROR Protection: cell 3 at 2650 mV\n");
        assertThat(journal.doLayout(event(Level.WARN, null))).isEqualTo("<4>WARN  Protection: cell 3 at 2650 mV\n");
        assertThat(journal.doLayout(event(Level.INFO, null))).isEqualTo("<6>INFO  Protection: cell 3 at 2650 mV\n");
        assertThat(journal.doLayout(event(Level.DEBUG, null))).isEqualTo("<7>DEBUG Protection: cell 3 at 2650 mV\n");
    }

    @Test
    void underSystemdEveryStackTraceLineIsAnError() {
        String text = new ConsoleLayout(true).doLayout(event(Level.WARN, new IllegalStateException("boom")));

        String[] lines = text.split("\n");
        assertThat(lines[0]).startsWith("<4>WARN");
        assertThat(lines.length).isGreaterThan(3);
        for (int i = 1; i < lines.length; i++) {
            assertThat(lines[i]).startsWith("<3>");
        }
        assertThat(lines[1]).contains("IllegalStateException: boom");
    }

    @Test
    void onATerminalLinesStartWithTheTime() {
        String text = new ConsoleLayout(false).doLayout(event(Level.INFO, null));

        assertThat(text).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d INFO  Protection: cell 3 at 2650 mV\n");
    }

    private LoggingEvent event(Level level, Throwable thrown) {
        return new LoggingEvent(Logger.class.getName(), logger, level, "cell {} at {} mV", thrown,
                new Object[] {3, 2650});
    }
}
