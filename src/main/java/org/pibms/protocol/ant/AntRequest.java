package org.pibms.protocol.ant;

import java.util.Arrays;
import java.util.HexFormat;

/** One request a client sent to the BMS, in either generation of the ANT protocol. */
public sealed interface AntRequest {

    /**
     * A 6-byte command of the old protocol: {@code F F addr hi lo sum}, the function byte twice.
     *
     * @param value the 16-bit value, sent high byte first
     */
    record Old(Function function, int address, int value) implements AntRequest {

        /** The old protocol's function bytes. */
        public enum Function {
            /** {@code DB DB}: the status frame. */
            STATUS(0xDB),
            /** {@code 5A 5A}: read (address 0 or 0xFF: the status frame). */
            READ(0x5A),
            /** {@code A5 A5}: write a control or parameter register. */
            WRITE(0xA5);

            private final int code;

            Function(int code) {
                this.code = code;
            }

            public int code() {
                return code;
            }

            static Function of(int code) {
                for (Function f : values()) {
                    if (f.code == code) {
                        return f;
                    }
                }
                return null;
            }
        }
    }

    /**
     * A request of the new protocol: {@code 7E A1 fn addrL addrH len [data] crcL crcH AA 55}.
     *
     * @param length the requested length for reads; the data length for writes
     * @param data   the data of a settings write (0x22) or an authentication (0x23); empty otherwise
     */
    record New(int function, int address, int length, byte[] data) implements AntRequest {

        public static final int STATUS = 0x01;
        public static final int READ = 0x02;
        public static final int PERMISSION = 0x04;
        public static final int WRITE = 0x22;
        public static final int AUTHENTICATE = 0x23;
        public static final int CONTROL = 0x51;

        public New {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** True for the function codes whose length byte counts data bytes that follow. */
        static boolean carriesData(int function) {
            return function == WRITE || function == AUTHENTICATE;
        }

        static boolean known(int function) {
            return function == STATUS || function == READ || function == PERMISSION || carriesData(function)
                    || function == CONTROL;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof New n && n.function == function && n.address == address && n.length == length
                    && Arrays.equals(n.data, data);
        }

        @Override
        public int hashCode() {
            return (function * 31 + address) * 31 + length + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("New[function=0x%02X, address=0x%04X, length=%d, data=%s]", function, address, length,
                    HexFormat.of().formatHex(data));
        }
    }
}
