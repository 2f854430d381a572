package org.pibms.core;

import java.util.Locale;
import java.util.Optional;

/** Cell chemistry of the pack; selects the default OCV curve and protection limits. */
public enum Chemistry {
    /** Lithium iron phosphate, about 3.2 V nominal, flat OCV plateau. */
    LFP(3200),
    /** Lithium nickel manganese cobalt oxide, about 3.7 V nominal, sloped OCV curve. */
    NMC(3700);

    private final int nominalCell_mV;

    Chemistry(int nominalCell_mV) {
        this.nominalCell_mV = nominalCell_mV;
    }

    /** The cell voltage energy and power ratings are given at. */
    public int nominalCell_mV() {
        return nominalCell_mV;
    }

    /** The name used in the config file and on the wire. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Chemistry> fromId(String id) {
        for (Chemistry c : values()) {
            if (c.id().equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
