package org.pibms.protocol.ant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pibms.core.Balancing;
import org.pibms.core.Chemistry;
import org.pibms.core.CommandResult;
import org.pibms.core.CommandSink;
import org.pibms.core.ControlCommand;
import org.pibms.core.Origin;
import org.pibms.core.PackSnapshot;
import org.pibms.core.SnapshotSource;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;

/**
 * Answers ANT requests of both generations as an ANT20S would, from the latest snapshot. Every
 * write goes to the control loop as the same command the CLI sends, and only after the port's
 * password: without it the reply is the protocol's refusal and nothing is queued. Transport
 * agnostic: a serial port, or later BLE, feeds it parsed requests and sends what it returns.
 *
 * <p>One server per link, used from one thread: the password unlocks its own link only.
 */
public final class AntServer {

    /**
     * @param password          writes need it; empty = writes are refused
     * @param dischargePositive the ANT's sign: positive current while discharging
     * @param chargeMosFirst    the new status frame's first MOS byte is the charge MOSFET
     * @param sensorLocations   where each temperature sensor sits, in config order
     */
    public record Options(Optional<String> password, boolean dischargePositive, boolean chargeMosFirst,
            Chemistry chemistry, List<SensorLocation> sensorLocations, String model, String version) {

        public Options {
            sensorLocations = List.copyOf(sensorLocations);
        }
    }

    /**
     * What to send back, and a refusal to report (null when nothing was refused).
     *
     * @param reply empty where the protocol sends nothing back (old-protocol writes)
     */
    public record Answer(byte[] reply, String refusal) {

        static Answer of(byte[] reply) {
            return new Answer(reply, null);
        }

        static Answer refused(byte[] reply, String why) {
            return new Answer(reply, why);
        }
    }

    /** How long a password unlocks writes on its link. */
    public static final long UNLOCKED_ms = 60_000;
    /** How long a write waits for the control loop's answer. */
    static final long COMMAND_TIMEOUT_ms = 2_000;
    static final int ACK_DONE = 0x0001;
    static final int ACK_REFUSED = 0x0000;
    static final int AUTH_OK = 0x0005;
    static final int AUTH_REFUSED = 0x0000;
    private static final int OLD_PASSWORD_FIRST = 0xF1;
    private static final int OLD_PASSWORD_LAST = 0xF4;
    private static final int OLD_LOGIN = 0xF5;
    private static final int OLD_DISCHARGE_MOS = 0xF9;
    private static final int OLD_CHARGE_MOS = 0xFA;
    private static final int OLD_AUTO_BALANCE = 0xFC;
    private static final int OLD_APPLY = 0xFF;
    private static final int OLD_CELL_COUNT = 24;
    private static final int OLD_CAPACITY = 31;
    private static final int OLD_REMAINING = 33;
    private static final int OLD_CYCLE = 35;
    /** The settings image a read is cut from; addresses beyond it read 0xFF. */
    static final int REGISTER_SPACE = 0x0180;
    private static final int CELL_NUMBER = 0x009A;
    private static final int NOMINAL_CAPACITY = 0x00A2;
    private static final int REMAINING_CAPACITY = 0x00A6;
    private static final int CYCLE_CAPACITY = 0x00AA;

    private final Options options;
    private final SnapshotSource snapshots;
    private final CommandSink commands;
    private final Origin origin;
    private final long start_ms;
    private final AntStatus status;
    private final byte[] oldPassword = new byte[8];
    private long unlockedUntil_ms = Long.MIN_VALUE;

    /** @param start_ms the monotonic time the BMS "powered on", for the runtime field */
    public AntServer(Options options, SnapshotSource snapshots, CommandSink commands, Origin origin, long start_ms) {
        this.options = options;
        this.snapshots = snapshots;
        this.commands = commands;
        this.origin = origin;
        this.start_ms = start_ms;
        this.status = new AntStatus(options);
    }

    /** @param now_ms monotonic milliseconds, for the runtime field and the password's lifetime */
    public Answer answer(AntRequest request, long now_ms) {
        if (request instanceof AntRequest.Old old) {
            return answerOld(old, now_ms);
        }
        return answerNew((AntRequest.New) request, now_ms);
    }

    private Answer answerOld(AntRequest.Old request, long now_ms) {
        int address = request.address();
        switch (request.function()) {
            case STATUS -> {
                return Answer.of(oldStatus(now_ms));
            }
            case READ -> {
                if (address == 0x00 || address == 0xFF) {
                    return Answer.of(oldStatus(now_ms));
                }
                int value = oldParameter(address, snapshots.latest());
                return Answer.of(oldFrame(AntRequest.Old.Function.READ, address, value));
            }
            default -> {
                return new Answer(new byte[0], oldWrite(address, request.value(), now_ms));
            }
        }
    }

    /** The old protocol never answers a write: the client sees the outcome in the next status. */
    private String oldWrite(int address, int value, long now_ms) {
        if (address >= OLD_PASSWORD_FIRST && address <= OLD_PASSWORD_LAST) {
            int at = 2 * (address - OLD_PASSWORD_FIRST);
            oldPassword[at] = (byte) (value >>> 8);
            oldPassword[at + 1] = (byte) value;
            if (address == OLD_PASSWORD_LAST) {
                boolean ok = authenticate(oldPassword, now_ms);
                // Each attempt needs all four registers: nothing of an earlier one carries over.
                Arrays.fill(oldPassword, (byte) 0);
                return ok ? null : "wrong password (old protocol, registers F1-F4)";
            }
            return null;
        }
        if (address == OLD_LOGIN || address == OLD_APPLY) {
            return null;
        }
        ControlCommand command = switch (address) {
            case OLD_DISCHARGE_MOS -> new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, value != 0);
            case OLD_CHARGE_MOS -> new ControlCommand.SetMos(ControlCommand.Path.CHARGE, value != 0);
            case OLD_AUTO_BALANCE -> new ControlCommand.SetBalancing(Balancing.Command.AUTO);
            default -> AntRegisters.oldRegister(address).map(r -> (ControlCommand) r.write(value)).orElse(null);
        };
        if (command == null) {
            return String.format("old-protocol write to register 0x%02X is not supported", address);
        }
        CommandResult result = submit(command, now_ms);
        return result.accepted() ? null : result.message();
    }

    private Answer answerNew(AntRequest.New request, long now_ms) {
        int address = request.address();
        return switch (request.function()) {
            case AntRequest.New.STATUS -> Answer.of(status.fresh(snapshots.latest(), runtime_s(now_ms)).encode());
            case AntRequest.New.READ -> Answer.of(address == NewFrames.DEVICE_INFO_ADDRESS
                    ? NewFrames.deviceInfo(options.model(), options.version())
                    : NewFrames.registers(address, registers(address, request.length(), snapshots.latest())));
            case AntRequest.New.PERMISSION -> Answer.of(NewFrames.permission(new byte[12]));
            case AntRequest.New.AUTHENTICATE -> {
                boolean ok = authenticate(request.data(), now_ms);
                yield new Answer(NewFrames.ack(NewFrames.AUTHENTICATED, address, ok ? AUTH_OK : AUTH_REFUSED),
                        ok ? null : "wrong password (new protocol, function 0x23)");
            }
            case AntRequest.New.WRITE -> writeRegister(request, now_ms);
            case AntRequest.New.CONTROL -> control(address, now_ms);
            default -> throw new IllegalArgumentException("the parser passed an unknown function " + request);
        };
    }

    private Answer writeRegister(AntRequest.New request, long now_ms) {
        int address = request.address();
        byte[] data = request.data();
        Optional<AntRegisters.Register> register = AntRegisters.newRegister(address);
        if (register.isEmpty() || data.length != 2) {
            int current = register.isPresent() ? readNew(register.get(), snapshots.latest()) : 0xFFFF;
            return Answer.refused(NewFrames.written(address, current), String.format(
                    "new-protocol write of %d bytes to register 0x%04X is not supported", data.length, address));
        }
        int value = (data[0] & 0xFF) | (data[1] & 0xFF) << 8;
        CommandResult result = submit(register.get().write(value), now_ms);
        if (result.accepted()) {
            return Answer.of(NewFrames.written(address, value));
        }
        return Answer.refused(NewFrames.written(address, readNew(register.get(), snapshots.latest())),
                result.message());
    }

    private Answer control(int address, long now_ms) {
        ControlCommand command = switch (address) {
            case 0x0001 -> new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, false);
            case 0x0003 -> new ControlCommand.SetMos(ControlCommand.Path.DISCHARGE, true);
            case 0x0004 -> new ControlCommand.SetMos(ControlCommand.Path.CHARGE, false);
            case 0x0006 -> new ControlCommand.SetMos(ControlCommand.Path.CHARGE, true);
            case 0x000D -> new ControlCommand.SetBalancing(Balancing.Command.ON);
            case 0x000E -> new ControlCommand.SetBalancing(Balancing.Command.OFF);
            default -> null;
        };
        if (address == 0x0007) {
            // "Save": settings written here already act, until the daemon restarts, like pibms set.
            return Answer.of(NewFrames.ack(NewFrames.ACKNOWLEDGED, address, ACK_DONE));
        }
        if (command == null) {
            return Answer.refused(NewFrames.ack(NewFrames.ACKNOWLEDGED, address, ACK_REFUSED),
                    String.format("new-protocol control 0x%04X is not supported", address));
        }
        CommandResult result = submit(command, now_ms);
        return new Answer(NewFrames.ack(NewFrames.ACKNOWLEDGED, address, result.accepted() ? ACK_DONE : ACK_REFUSED),
                result.accepted() ? null : result.message());
    }

    /** Queues a write if the link is unlocked and waits for the control loop's answer. */
    private CommandResult submit(ControlCommand command, long now_ms) {
        if (options.password().isEmpty()) {
            return CommandResult.rejected("writes are disabled on this port: it has no password in the config");
        }
        if (now_ms >= unlockedUntil_ms) {
            return CommandResult.rejected("refused " + command.describe() + ": no valid password within the last "
                    + UNLOCKED_ms / 1000 + " s");
        }
        CommandResult result;
        try {
            result = commands.submit(command, origin).get(COMMAND_TIMEOUT_ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return CommandResult.rejected(command.describe() + ": the control loop did not answer within " + COMMAND_TIMEOUT_ms
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandResult.rejected(command.describe() + ": interrupted");
        } catch (ExecutionException e) {
            return CommandResult.rejected(command.describe() + ": " + e.getCause());
        }
        return result.accepted() ? result : CommandResult.rejected(command.describe() + ": " + result.message());
    }

    /** Unlocks writes when the password matches; a wrong one locks the link at once. */
    private boolean authenticate(byte[] given, long now_ms) {
        int length = given.length;
        while (length > 0 && given[length - 1] == 0) {
            length--;
        }
        byte[] expected = options.password().map(p -> p.getBytes(StandardCharsets.US_ASCII)).orElse(null);
        boolean ok = expected != null && sameBytes(expected, Arrays.copyOf(given, length));
        unlockedUntil_ms = ok ? now_ms + UNLOCKED_ms : Long.MIN_VALUE;
        return ok;
    }

    /** Compares in a time that does not tell how many leading bytes matched. */
    private static boolean sameBytes(byte[] a, byte[] b) {
        int difference = a.length ^ b.length;
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            difference |= (i < a.length ? a[i] : 0) ^ (i < b.length ? b[i] : 0);
        }
        return difference == 0;
    }

    private byte[] oldStatus(long now_ms) {
        return status.old(snapshots.latest(), runtime_s(now_ms)).encode();
    }

    private long runtime_s(long now_ms) {
        return Math.max(0, (now_ms - start_ms) / 1000);
    }

    /** An old parameter's 16-bit value; 0xFFFF for one pibms does not have. */
    private int oldParameter(int address, PackSnapshot s) {
        Optional<AntRegisters.Register> register = AntRegisters.oldRegister(address);
        if (register.isPresent()) {
            return s.protection() == null ? 0xFFFF : register.get().read(s.protection());
        }
        if (address == OLD_CELL_COUNT) {
            return s.cellCount();
        }
        long value;
        if (address == OLD_CAPACITY || address == OLD_CAPACITY + 1) {
            value = s.capacity_mAh() * 1000L;
        } else if (address == OLD_REMAINING || address == OLD_REMAINING + 1) {
            value = AntStatus.remaining_uAh(s);
        } else if (address == OLD_CYCLE || address == OLD_CYCLE + 1) {
            value = AntStatus.discharged_mAh(s);
        } else {
            return 0xFFFF;
        }
        // Two registers per 32-bit value, the low word at the odd address (dbus-serialbattery reads 31 and 32).
        return (int) ((address % 2 == 1 ? value : value >>> 16) & 0xFFFF);
    }

    private static byte[] oldFrame(AntRequest.Old.Function function, int address, int value) {
        int sum = (address + (value >>> 8) + value) & 0xFF;
        return new byte[] {(byte) function.code(), (byte) function.code(), (byte) address, (byte) (value >>> 8),
                (byte) value, (byte) sum};
    }

    private int readNew(AntRegisters.Register register, PackSnapshot s) {
        return s.protection() == null ? 0xFFFF : register.read(s.protection());
    }

    /** {@code length} bytes of the settings image from {@code address}; at least one register. */
    private byte[] registers(int address, int length, PackSnapshot s) {
        int count = Math.max(2, Math.min(length, 254));
        ByteBuffer image = ByteBuffer.allocate(REGISTER_SPACE + 4).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(image.array(), (byte) 0xFF);
        ProtectionSettings protection = s.protection();
        if (protection != null) {
            AntRegisters.NEW.forEach((at, register) -> image.putShort(at, (short) register.read(protection)));
        }
        image.putShort(CELL_NUMBER, (short) s.cellCount());
        image.putInt(NOMINAL_CAPACITY, Math.round(s.capacity_mAh() / 1000f));
        image.putInt(REMAINING_CAPACITY, (int) Math.round(AntStatus.remaining_uAh(s) / 1e6));
        image.putInt(CYCLE_CAPACITY, (int) Math.round(AntStatus.discharged_mAh(s) / 1e3));
        byte[] out = new byte[count];
        Arrays.fill(out, (byte) 0xFF);
        if (address < REGISTER_SPACE) {
            System.arraycopy(image.array(), address, out, 0, Math.min(count, REGISTER_SPACE - address));
        }
        return out;
    }
}
