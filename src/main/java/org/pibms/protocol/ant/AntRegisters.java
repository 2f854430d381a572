package org.pibms.protocol.ant;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pibms.core.ControlCommand;
import org.pibms.core.FaultId;
import org.pibms.core.settings.ProtectionRules;
import org.pibms.core.settings.ProtectionSettings;

/**
 * The ANT's protection parameters that pibms has, in both protocol generations, each tied to the
 * protection key it reads and writes. A write becomes the same {@code set protection.…} command
 * as {@code pibms set}, so it meets the same validation. The table is docs/protocols/ant.md's.
 */
public final class AntRegisters {

    /**
     * One 16-bit register: its raw value times {@code configPerRaw} is the key's value in the
     * config's unit (a 0.1 V register behind a mV key: 100).
     */
    public record Register(FaultId fault, String key, double configPerRaw, boolean signed) {

        /** The key as {@code pibms set} names it, e.g. {@code cell_overvoltage.trip_mV}. */
        public String protectionKey() {
            return fault.id() + "." + key;
        }

        /** The register's raw value for these limits, saturated to 16 bits. */
        public int read(ProtectionSettings settings) {
            Object value = ProtectionRules.value(settings, fault, key);
            long raw = Math.round(((Number) value).doubleValue() / configPerRaw);
            return signed ? (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, raw)) & 0xFFFF
                    : (int) Math.max(0, Math.min(0xFFFF, raw));
        }

        /** The command that writes a raw value. */
        public ControlCommand.SetProtection write(int raw) {
            int value = signed ? (short) raw : raw & 0xFFFF;
            double config = value * configPerRaw;
            String text = config == Math.rint(config) ? Long.toString((long) config)
                    : String.format(Locale.ROOT, "%.3f", config).replaceAll("0+$", "");
            return new ControlCommand.SetProtection(protectionKey(), text);
        }
    }

    /** The new protocol's settings registers by byte address (each two bytes). */
    static final Map<Integer, Register> NEW = new LinkedHashMap<>();
    /** The old protocol's parameter registers by address. */
    static final Map<Integer, Register> OLD = new LinkedHashMap<>();

    private static final double MILLI = 1;
    private static final double DECIVOLT_AS_mV = 100;
    private static final double DECIAMPERE_AS_A = 0.1;
    private static final double SECOND_AS_ms = 1000;

    static {
        add(NEW, 0x0000, FaultId.CELL_OVERVOLTAGE, "trip_mV", MILLI);
        add(NEW, 0x0002, FaultId.CELL_OVERVOLTAGE, "recover_mV", MILLI);
        add(NEW, 0x0008, FaultId.PACK_OVERVOLTAGE, "trip_mV", DECIVOLT_AS_mV);
        add(NEW, 0x000A, FaultId.PACK_OVERVOLTAGE, "recover_mV", DECIVOLT_AS_mV);
        add(NEW, 0x000C, FaultId.CELL_UNDERVOLTAGE, "trip_mV", MILLI);
        add(NEW, 0x000E, FaultId.CELL_UNDERVOLTAGE, "recover_mV", MILLI);
        add(NEW, 0x0010, FaultId.CELL_DEEP_DISCHARGE, "trip_mV", MILLI);
        add(NEW, 0x0014, FaultId.PACK_UNDERVOLTAGE, "trip_mV", DECIVOLT_AS_mV);
        add(NEW, 0x0016, FaultId.PACK_UNDERVOLTAGE, "recover_mV", DECIVOLT_AS_mV);
        add(NEW, 0x0018, FaultId.CELL_IMBALANCE, "trip_mV", MILLI);
        add(NEW, 0x001A, FaultId.CELL_IMBALANCE, "recover_mV", MILLI);
        add(NEW, 0x0020, FaultId.CELL_OVERVOLTAGE_WARNING, "trip_mV", MILLI);
        add(NEW, 0x0022, FaultId.CELL_OVERVOLTAGE_WARNING, "recover_mV", MILLI);
        add(NEW, 0x0028, FaultId.CELL_UNDERVOLTAGE_WARNING, "trip_mV", MILLI);
        add(NEW, 0x002A, FaultId.CELL_UNDERVOLTAGE_WARNING, "recover_mV", MILLI);
        temperature(NEW, 0x0038, 0x003A, FaultId.CHARGE_OVERTEMPERATURE);
        temperature(NEW, 0x003C, 0x003E, FaultId.DISCHARGE_OVERTEMPERATURE);
        temperature(NEW, 0x0040, 0x0042, FaultId.MOS_OVERTEMPERATURE);
        temperature(NEW, 0x0044, 0x0046, FaultId.CHARGE_UNDERTEMPERATURE);
        temperature(NEW, 0x0048, 0x004A, FaultId.DISCHARGE_UNDERTEMPERATURE);
        add(NEW, 0x0068, FaultId.CHARGE_OVERCURRENT, "trip_A", DECIAMPERE_AS_A);
        add(NEW, 0x006A, FaultId.CHARGE_OVERCURRENT, "delay_ms", SECOND_AS_ms);
        add(NEW, 0x006C, FaultId.DISCHARGE_OVERCURRENT, "trip_A", DECIAMPERE_AS_A);
        add(NEW, 0x006E, FaultId.DISCHARGE_OVERCURRENT, "delay_ms", SECOND_AS_ms);
        add(NEW, 0x0070, FaultId.DISCHARGE_OVERCURRENT_FAST, "trip_A", DECIAMPERE_AS_A);
        add(NEW, 0x0072, FaultId.DISCHARGE_OVERCURRENT_FAST, "delay_ms", MILLI);

        add(OLD, 1, FaultId.CELL_OVERVOLTAGE_WARNING, "trip_mV", MILLI);
        add(OLD, 2, FaultId.CELL_UNDERVOLTAGE_WARNING, "trip_mV", MILLI);
        add(OLD, 3, FaultId.CELL_OVERVOLTAGE, "trip_mV", MILLI);
        add(OLD, 4, FaultId.CELL_UNDERVOLTAGE, "trip_mV", MILLI);
        add(OLD, 5, FaultId.CELL_OVERVOLTAGE, "recover_mV", MILLI);
        add(OLD, 6, FaultId.CELL_UNDERVOLTAGE, "recover_mV", MILLI);
        add(OLD, 7, FaultId.PACK_OVERVOLTAGE, "trip_mV", DECIVOLT_AS_mV);
        add(OLD, 8, FaultId.PACK_UNDERVOLTAGE, "trip_mV", DECIVOLT_AS_mV);
        add(OLD, 9, FaultId.CHARGE_OVERCURRENT, "trip_A", DECIAMPERE_AS_A);
        add(OLD, 10, FaultId.CHARGE_OVERCURRENT, "delay_ms", SECOND_AS_ms);
        add(OLD, 11, FaultId.DISCHARGE_OVERCURRENT, "trip_A", 1);
        add(OLD, 12, FaultId.DISCHARGE_OVERCURRENT, "delay_ms", SECOND_AS_ms);
        temperature(OLD, 25, 26, FaultId.CHARGE_OVERTEMPERATURE);
        temperature(OLD, 27, 28, FaultId.DISCHARGE_OVERTEMPERATURE);
        temperature(OLD, 29, 30, FaultId.MOS_OVERTEMPERATURE);
    }

    private AntRegisters() {
    }

    public static Optional<Register> newRegister(int address) {
        return Optional.ofNullable(NEW.get(address));
    }

    public static Optional<Register> oldRegister(int address) {
        return Optional.ofNullable(OLD.get(address));
    }

    private static void add(Map<Integer, Register> table, int address, FaultId fault, String key, double perRaw) {
        add(table, address, new Register(fault, key, perRaw, false));
    }

    private static void add(Map<Integer, Register> table, int address, Register register) {
        if (!ProtectionRules.keys(register.fault()).contains(register.key())) {
            throw new IllegalStateException(register.protectionKey() + " is not a protection key");
        }
        table.put(address, register);
    }

    /** A temperature protection and its recovery: signed whole °C. */
    private static void temperature(Map<Integer, Register> table, int trip, int recover, FaultId fault) {
        add(table, trip, new Register(fault, "trip_C", 1, true));
        add(table, recover, new Register(fault, "recover_C", 1, true));
    }
}
