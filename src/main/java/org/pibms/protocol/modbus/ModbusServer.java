package org.pibms.protocol.modbus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.ControlCommand;
import org.pibms.core.Origin;
import org.pibms.core.SnapshotSource;

/**
 * Answers Modbus request PDUs from the SunSpec map: reads (03, 04) from the latest snapshot, and
 * writes (06, 16) of the few writable points as the CLI's own commands, when writes are enabled.
 * Framing (RTU, TCP) is the sessions' job; this class sees function code and data only.
 *
 * <p>The checks run in the order of the Modbus application protocol: function (exception 01),
 * then quantity and form (03), then address (02), then the execution (03 for a value the point or
 * the control loop refuses, 04 when the loop does not answer). One server per link, one thread.
 */
public final class ModbusServer {

    public static final int ILLEGAL_FUNCTION = 0x01;
    public static final int ILLEGAL_DATA_ADDRESS = 0x02;
    public static final int ILLEGAL_DATA_VALUE = 0x03;
    public static final int SERVER_DEVICE_FAILURE = 0x04;
    static final int READ_HOLDING_REGISTERS = 0x03;
    static final int READ_INPUT_REGISTERS = 0x04;
    static final int WRITE_SINGLE_REGISTER = 0x06;
    static final int WRITE_MULTIPLE_REGISTERS = 0x10;
    static final int MAX_READ = 125;
    static final int MAX_WRITE = 123;
    /** The largest response PDU: function, byte count and 125 registers. */
    public static final int MAX_RESPONSE = 2 + 2 * MAX_READ;
    /** How long a write waits for the control loop's answer. */
    static final long COMMAND_TIMEOUT_ms = 2_000;

    private final SunSpecMap map;
    private final SnapshotSource snapshots;
    private final CommandSink commands;
    private final Origin origin;
    private final boolean writes;
    private final SunSpecReading reading;
    private final char[] image;
    private String refusal;

    public ModbusServer(SunSpecMap map, SnapshotSource snapshots, CommandSink commands, Origin origin,
            boolean writes) {
        this.map = map;
        this.snapshots = snapshots;
        this.commands = commands;
        this.origin = origin;
        this.writes = writes;
        this.reading = map.newReading();
        this.image = new char[map.registers()];
    }

    /**
     * Answers one request PDU.
     *
     * @param broadcast the request went to every device: a write is carried out, nothing is answered
     * @param out       where the response PDU goes, from {@code outOffset}; room for {@link #MAX_RESPONSE}
     * @return the response PDU's length; 0 when nothing is to be sent
     */
    public int answer(byte[] pdu, int offset, int length, boolean broadcast, byte[] out, int outOffset) {
        refusal = null;
        if (length < 1) {
            return 0;
        }
        int function = pdu[offset] & 0xFF;
        int reply = switch (function) {
            case READ_HOLDING_REGISTERS, READ_INPUT_REGISTERS -> broadcast ? 0 : read(pdu, offset, length, out, outOffset);
            case WRITE_SINGLE_REGISTER -> writeSingle(pdu, offset, length, out, outOffset);
            case WRITE_MULTIPLE_REGISTERS -> writeMultiple(pdu, offset, length, out, outOffset);
            default -> exception(function, ILLEGAL_FUNCTION, out, outOffset);
        };
        return broadcast ? 0 : reply;
    }

    /** Why the last answer refused a write; null when it did not. */
    public String refusal() {
        return refusal;
    }

    private int read(byte[] pdu, int offset, int length, byte[] out, int at) {
        int function = pdu[offset] & 0xFF;
        if (length != 5) {
            return exception(function, ILLEGAL_DATA_VALUE, out, at);
        }
        int address = u16(pdu, offset + 1);
        int count = u16(pdu, offset + 3);
        if (count < 1 || count > MAX_READ) {
            return exception(function, ILLEGAL_DATA_VALUE, out, at);
        }
        if (!map.covers(address, count)) {
            return exception(function, ILLEGAL_DATA_ADDRESS, out, at);
        }
        int first = address - SunSpecMap.BASE;
        reading.load(snapshots.latest());
        map.fill(reading, image, first, count);
        out[at] = (byte) function;
        out[at + 1] = (byte) (2 * count);
        for (int i = 0; i < count; i++) {
            char register = image[first + i];
            out[at + 2 + 2 * i] = (byte) (register >>> 8);
            out[at + 3 + 2 * i] = (byte) register;
        }
        return 2 + 2 * count;
    }

    private int writeSingle(byte[] pdu, int offset, int length, byte[] out, int at) {
        if (!writes) {
            return refuse(WRITE_SINGLE_REGISTER, ILLEGAL_FUNCTION, "writes are disabled on this link"
                    + " (writes: true in the config enables them)", out, at);
        }
        if (length != 5) {
            return exception(WRITE_SINGLE_REGISTER, ILLEGAL_DATA_VALUE, out, at);
        }
        int address = u16(pdu, offset + 1);
        int code = write(address, 1, pdu, offset + 3);
        if (code != 0) {
            return exception(WRITE_SINGLE_REGISTER, code, out, at);
        }
        System.arraycopy(pdu, offset, out, at, 5);
        return 5;
    }

    private int writeMultiple(byte[] pdu, int offset, int length, byte[] out, int at) {
        if (!writes) {
            return refuse(WRITE_MULTIPLE_REGISTERS, ILLEGAL_FUNCTION, "writes are disabled on this link"
                    + " (writes: true in the config enables them)", out, at);
        }
        if (length < 6) {
            return exception(WRITE_MULTIPLE_REGISTERS, ILLEGAL_DATA_VALUE, out, at);
        }
        int address = u16(pdu, offset + 1);
        int count = u16(pdu, offset + 3);
        int bytes = pdu[offset + 5] & 0xFF;
        if (count < 1 || count > MAX_WRITE || bytes != 2 * count || length != 6 + bytes) {
            return exception(WRITE_MULTIPLE_REGISTERS, ILLEGAL_DATA_VALUE, out, at);
        }
        int code = write(address, count, pdu, offset + 6);
        if (code != 0) {
            return exception(WRITE_MULTIPLE_REGISTERS, code, out, at);
        }
        System.arraycopy(pdu, offset, out, at, 5);
        return 5;
    }

    /**
     * Writes registers that hold whole writable points: every value is checked before any command
     * runs, and the commands run in register order, each waiting for the loop's answer.
     *
     * @return 0 when done, else the exception code
     */
    private int write(int address, int count, byte[] values, int valuesOffset) {
        if (!map.covers(address, count)) {
            return ILLEGAL_DATA_ADDRESS;
        }
        List<ControlCommand> toRun = new ArrayList<>();
        int register = 0;
        while (register < count) {
            SunSpecMap.Placed placed = map.pointAt(address + register);
            if (placed == null || !placed.point().writable() || register + placed.point().size() > count) {
                refusal = "refused a write of register " + (address + register) + ": "
                        + (placed == null ? "it is inside a point, not at its start"
                        : placed.point().writable() ? placed.point().name() + " must be written whole"
                        : placed.point().name() + " is read-only");
                return ILLEGAL_DATA_ADDRESS;
            }
            Point point = placed.point();
            long value = 0;
            for (int r = 0; r < point.size(); r++) {
                value = value << 16 | u16(values, valuesOffset + 2 * (register + r));
            }
            try {
                toRun.addAll(point.write().commands(value));
            } catch (IllegalArgumentException e) {
                refusal = "refused a write: " + e.getMessage();
                return ILLEGAL_DATA_VALUE;
            }
            register += point.size();
        }
        for (ControlCommand command : toRun) {
            int code = run(command);
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }

    private int run(ControlCommand command) {
        CommandResult result;
        try {
            result = commands.submit(command, origin).get(COMMAND_TIMEOUT_ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            refusal = command.describe() + ": the control loop did not answer within " + COMMAND_TIMEOUT_ms + " ms";
            return SERVER_DEVICE_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusal = command.describe() + ": interrupted while waiting for the control loop";
            return SERVER_DEVICE_FAILURE;
        } catch (ExecutionException e) {
            refusal = command.describe() + ": " + e.getCause();
            return SERVER_DEVICE_FAILURE;
        }
        if (!result.accepted()) {
            refusal = command.describe() + ": " + result.message();
            return ILLEGAL_DATA_VALUE;
        }
        return 0;
    }

    private int refuse(int function, int code, String why, byte[] out, int at) {
        refusal = why;
        return exception(function, code, out, at);
    }

    private static int exception(int function, int code, byte[] out, int at) {
        out[at] = (byte) (function | 0x80);
        out[at + 1] = (byte) code;
        return 2;
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }
}
