package org.pibms.core;

import java.util.Optional;

/** The events that set the state of charge from the cells instead of from the counted charge. */
public enum SocCalibration {
    /** No calibration yet: the estimate is counted from a restored or start value. */
    NONE("none"),
    /** The first estimate, from the cell voltages at start, with no trusted state to start from. */
    START_OCV("start_ocv"),
    /** The relaxed open-circuit voltage after a detected rest (or a long downtime). */
    OCV_REST("ocv_rest"),
    /** The highest cell at the full voltage with only the tail current flowing. */
    FULL_CHARGE("full_charge"),
    /** The lowest cell down the steep knee of its curve. */
    EMPTY_KNEE("empty_knee");

    private final String id;

    SocCalibration(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<SocCalibration> fromId(String id) {
        for (SocCalibration c : values()) {
            if (c.id.equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
