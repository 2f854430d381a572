package org.pibms.core;

import java.util.Locale;

/** How serious an active fault is. */
public enum Severity {
    /** Reported only: a level to watch. */
    WARNING,
    /** Reported and signalled on the alarm and buzzer outputs; the MOSFETs are not touched. */
    ALARM,
    /** The pack is being protected: the fault's reaction is carried out. */
    PROTECTION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
