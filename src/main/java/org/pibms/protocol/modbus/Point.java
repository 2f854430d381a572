package org.pibms.protocol.modbus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.pibms.core.ControlCommand;

/**
 * One SunSpec point: its name and type as the model file has them, where its value comes from,
 * and, for the few a client may write, the commands a written value becomes.
 */
public record Point(String name, PointType type, int size, Value value, byte[] text, Write write) {

    /** A {@link Value} returns this where the point has no value (yet): it reads as the type's marker. */
    public static final long NOT_IMPLEMENTED = Long.MIN_VALUE;

    /** The point's value, in its scaled integer form, from one reading of the pack. */
    @FunctionalInterface
    public interface Value {
        long of(SunSpecReading reading);
    }

    /** What a client's write of this point asks of the control loop. */
    @FunctionalInterface
    public interface Write {

        /**
         * @return the commands to run, in order; empty when the value asks for nothing
         * @throws IllegalArgumentException naming why the value is not one the point takes
         */
        List<ControlCommand> commands(long value);
    }

    public Point {
        if (type != PointType.STRING && size != type.size()) {
            throw new IllegalArgumentException(name + ": a " + type.id() + " has " + type.size() + " registers");
        }
    }

    public boolean writable() {
        return write != null;
    }

    static Point of(String name, PointType type, Value value) {
        return new Point(name, type, type.size(), value, null, null);
    }

    static Point writable(String name, PointType type, Value value, Write write) {
        return new Point(name, type, type.size(), value, null, write);
    }

    /** A fixed text, cut to the point's size; null = not implemented. */
    static Point text(String name, int size, String text) {
        byte[] bytes = text == null ? new byte[0] : text.getBytes(StandardCharsets.US_ASCII);
        return new Point(name, PointType.STRING, size, null, Arrays.copyOf(bytes, Math.min(bytes.length, 2 * size)),
                null);
    }

    static Point scale(String name, int exponent) {
        return of(name, PointType.SUNSSF, r -> exponent);
    }

    static Point notImplemented(String name, PointType type) {
        return of(name, type, r -> NOT_IMPLEMENTED);
    }
}
