package org.pibms.transport.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pibms.transport.ByteLink;

/**
 * A serial port through jSerialComm, 8N1, with the kernel driving RTS as the RS485 direction line
 * when asked. jSerialComm types stay in here.
 */
public final class SerialLink implements ByteLink {

    private final SerialPort port;
    private final String name;

    private SerialLink(SerialPort port, String name) {
        this.port = port;
        this.name = name;
    }

    /**
     * An opener for one device.
     *
     * @param readTimeout_ms how long a read waits for a first byte; also the quiet gap that ends a frame
     */
    public static ByteLink.Opener opener(Path device, int baud, boolean rs485, int readTimeout_ms) {
        return new ByteLink.Opener() {
            @Override
            public ByteLink open() throws IOException {
                return SerialLink.open(device, baud, rs485, readTimeout_ms);
            }

            @Override
            public String name() {
                return device.toString();
            }
        };
    }

    static SerialLink open(Path device, int baud, boolean rs485, int readTimeout_ms) throws IOException {
        // jSerialComm opens whatever path it gets; a missing device is clearer said here.
        if (!Files.exists(device)) {
            throw new IOException("cannot open " + device + ": no such device (is the adapter plugged in?)");
        }
        SerialPort port = SerialPort.getCommPort(device.toString());
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                readTimeout_ms, 0);
        if (rs485) {
            // RTS high while sending, no delays: the transceiver's DE follows the UART's own timing.
            port.setRs485ModeParameters(true, true, false, false, 0, 0);
        }
        if (!port.openPort()) {
            throw new IOException("cannot open " + device + ": " + describe(port.getLastErrorCode())
                    + (Files.isReadable(device) && Files.isWritable(device) ? ""
                            : " (is the pibms user in the dialout group?)"));
        }
        return new SerialLink(port, device.toString());
    }

    private static String describe(int errno) {
        return switch (errno) {
            case 2 -> "no such device";
            case 13 -> "permission denied";
            case 16 -> "busy: another program has it open";
            case 19, 6 -> "the device is gone";
            default -> "error " + errno;
        };
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        int count = port.readBytes(buffer, buffer.length);
        if (count < 0 || !port.isOpen()) {
            throw new IOException(name + ": the port stopped answering (" + describe(port.getLastErrorCode()) + ")");
        }
        return count;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        int written = port.writeBytes(bytes, bytes.length);
        if (written != bytes.length) {
            throw new IOException(name + ": wrote " + Math.max(written, 0) + " of " + bytes.length + " bytes ("
                    + describe(port.getLastErrorCode()) + ")");
        }
    }

    @Override
    public void close() {
        port.closePort();
    }

    @Override
    public String toString() {
        return name;
    }
}
