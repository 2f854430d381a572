package org.pibms.protocol.modbus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.Unit;
import org.pibms.core.settings.ProtectionRules;

/**
 * pibms's own SunSpec model (a vendor model, id {@value #ID}): the protection table's levels and
 * delays, one 32-bit point each, in the fault's base unit (mV, mA, 0.1 °C, 0.1 %, ticks, errors)
 * and milliseconds, so no scale factor is needed. Written, a point becomes the same
 * {@code set protection.…} command as {@code pibms set}, with the same validation.
 *
 * <p>Generated from the protection table: every fault's trip and recovery level and its delays.
 * The pulse budget's keys and the switches (enabled, recovery) are left to the CLI.
 */
final class ProtectionModel {

    /** SunSpec leaves 64000–65535 to vendors; this id is pibms's choice, not registered. */
    static final int ID = 64_900;

    private ProtectionModel() {
    }

    static List<Point> points() {
        List<Point> points = new ArrayList<>();
        for (FaultId fault : FaultId.values()) {
            if (fault == FaultId.MOS_PULSE_OVERLOAD) {
                continue;
            }
            String name = pointName(fault);
            Unit unit = fault.quantity().unit();
            for (String key : ProtectionRules.keys(fault)) {
                if (key.equals("trip_" + unit.suffix())) {
                    points.add(level(name + "Trip", fault, key, unit, true));
                } else if (key.equals("recover_" + unit.suffix())) {
                    points.add(level(name + "Rcv", fault, key, unit, false));
                } else if (key.equals("delay_ms")) {
                    points.add(delay(name + "Dly", fault, key, false));
                } else if (key.equals("recover_delay_ms")) {
                    points.add(delay(name + "RcvDly", fault, key, true));
                }
            }
        }
        return points;
    }

    /** {@code cell_overvoltage_warning} → {@code CellOvervoltageWarning}. */
    static String pointName(FaultId fault) {
        StringBuilder name = new StringBuilder();
        for (String word : fault.id().split("_")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return name.toString();
    }

    private static Point level(String name, FaultId fault, String key, Unit unit, boolean trip) {
        return Point.writable(name, PointType.INT32, r -> r.protection(fault, trip ? Limit.TRIP : Limit.RECOVER),
                value -> List.of(new ControlCommand.SetProtection(fault.id() + "." + key,
                        display(unit.toDisplay((int) value)))));
    }

    private static Point delay(String name, FaultId fault, String key, boolean recovery) {
        return Point.writable(name, PointType.UINT32,
                r -> r.protection(fault, recovery ? Limit.RECOVER_DELAY : Limit.DELAY),
                value -> List.of(new ControlCommand.SetProtection(fault.id() + "." + key, Long.toString(value))));
    }

    /** 3650 as "3650", 45.5 as "45.5": the form the config file takes. */
    private static String display(double value) {
        return value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }

    /** Which number of a protection row a point holds. */
    enum Limit {
        TRIP, RECOVER, DELAY, RECOVER_DELAY
    }
}
