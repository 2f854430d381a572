package org.pibms.core;

/**
 * What a protection row watches. The control loop works each one out once per tick, with the
 * cell, sensor or wire it comes from, so a fault can name where it happened.
 */
public enum Quantity {
    HIGHEST_CELL_VOLTAGE(Unit.MILLIVOLT, Source.CELL),
    LOWEST_CELL_VOLTAGE(Unit.MILLIVOLT, Source.CELL),
    /** Highest minus lowest cell; the source is the highest cell. */
    CELL_DELTA(Unit.MILLIVOLT, Source.CELL),
    /** Pack voltage measured across the battery, or the sum of the cells when that is not available. */
    PACK_VOLTAGE(Unit.MILLIVOLT, Source.NONE),
    /** How far the sum of the cells is from the measured pack voltage. */
    CELL_SUM_DEVIATION(Unit.MILLIVOLT, Source.NONE),
    /** Charge current; 0 while discharging. */
    CHARGE_CURRENT(Unit.MILLIAMPERE, Source.NONE),
    /** Discharge current as a positive number; 0 while charging. */
    DISCHARGE_CURRENT(Unit.MILLIAMPERE, Source.NONE),
    /** How much of the MOSFETs' pulse-current heat budget is used (I²t above the rated current). */
    MOS_HEAT(Unit.PERMILLE, Source.NONE),
    HIGHEST_CELL_TEMPERATURE(Unit.DECICELSIUS, Source.SENSOR),
    LOWEST_CELL_TEMPERATURE(Unit.DECICELSIUS, Source.SENSOR),
    MOS_TEMPERATURE(Unit.DECICELSIUS, Source.SENSOR),
    BALANCE_TEMPERATURE(Unit.DECICELSIUS, Source.SENSOR),
    STATE_OF_CHARGE(Unit.PERMILLE, Source.NONE),
    /** Cell reads in a row that gave no valid voltages. */
    AFE_FAILED_READS(Unit.TICKS, Source.NONE),
    /** PEC errors the AFE saw in the last complete 10 s window, recovered or not. */
    AFE_PEC_ERRORS(Unit.ERRORS, Source.NONE),
    /** Current reads in a row that gave no valid current. */
    CURRENT_FAILED_READS(Unit.TICKS, Source.NONE),
    /** The hardware short-circuit latch, or the current sensor's over-limit alert. */
    SHORT_CIRCUIT(Unit.FLAG, Source.NONE),
    /** The last open-wire check found a sense wire open; the source is the wire. */
    OPEN_WIRE(Unit.FLAG, Source.WIRE),
    /** A configured NTC reads open or shorted while the chip answers. */
    TEMPERATURE_SENSOR_FAILED(Unit.FLAG, Source.SENSOR),
    /** The pre-charge did not bring the load up to the pack in time. */
    PRECHARGE_TIMEOUT(Unit.FLAG, Source.NONE);

    /** What kind of thing a reading comes from, so a fault can say "cell 3" or "sensor mos". */
    public enum Source {
        NONE, CELL, SENSOR, WIRE
    }

    private final Unit unit;
    private final Source source;

    Quantity(Unit unit, Source source) {
        this.unit = unit;
        this.source = source;
    }

    public Unit unit() {
        return unit;
    }

    public Source source() {
        return source;
    }
}
