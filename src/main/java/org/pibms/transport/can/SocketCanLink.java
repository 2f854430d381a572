package org.pibms.transport.can;

import java.io.IOException;
import java.time.Duration;
import org.pibms.core.CanFrame;
import tel.schich.javacan.CanChannels;
import tel.schich.javacan.CanSocketOptions;
import tel.schich.javacan.NetworkDevice;
import tel.schich.javacan.RawCanChannel;
import tel.schich.javacan.platform.linux.LinuxNativeOperationException;

/**
 * A SocketCAN interface (can0, vcan0) through JavaCAN's raw channel. The bit rate is the kernel's
 * to set (systemd-networkd or {@code ip link set can0 type can bitrate 500000}); pibms only binds.
 * A missing kernel CAN module, a missing interface or a missing native library becomes one
 * sentence naming the interface.
 */
public final class SocketCanLink implements CanLink {

    private static final int ENODEV = 19;
    private static final int ENETDOWN = 100;
    private static final int EAFNOSUPPORT = 97;
    private static final int EAGAIN = 11;
    /** linux/can/error.h: the error classes pibms asks the kernel to report. */
    private static final int CAN_ERR_CRTL = 0x04;
    private static final int CAN_ERR_BUSOFF = 0x40;
    /** Byte 1 of a controller error: the controller went error-passive receiving or sending. */
    private static final int CAN_ERR_CRTL_PASSIVE = 0x10 | 0x20;

    private final RawCanChannel channel;
    private final String name;

    private SocketCanLink(RawCanChannel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    public static Opener opener(String interfaceName, int readTimeout_ms) {
        return new Opener() {
            @Override
            public CanLink open(int bitrate) throws IOException {
                return SocketCanLink.open(interfaceName, readTimeout_ms);
            }

            @Override
            public String name() {
                return interfaceName;
            }
        };
    }

    static SocketCanLink open(String interfaceName, int readTimeout_ms) throws IOException {
        RawCanChannel channel;
        try {
            channel = CanChannels.newRawChannel();
        } catch (LinuxNativeOperationException e) {
            throw new IOException(e.getErrorNumber() == EAFNOSUPPORT
                    ? "cannot open " + interfaceName + ": this kernel has no SocketCAN (modprobe can-raw, or use an"
                            + " SLCAN adapter)"
                    : "cannot open " + interfaceName + ": " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new IOException("cannot open " + interfaceName + ": JavaCAN's native library for this machine"
                    + " (" + System.getProperty("os.arch") + ") did not load: " + e.getMessage(), e);
        }
        try {
            channel.bind(NetworkDevice.lookup(interfaceName));
            channel.setOption(CanSocketOptions.SO_RCVTIMEO, Duration.ofMillis(readTimeout_ms));
            channel.setOption(CanSocketOptions.ERR_FILTER, CAN_ERR_BUSOFF | CAN_ERR_CRTL);
            return new SocketCanLink(channel, interfaceName);
        } catch (LinuxNativeOperationException e) {
            closeQuietly(channel);
            throw new IOException(e.getErrorNumber() == ENODEV
                    ? "cannot open " + interfaceName + ": no such CAN interface (ip link show " + interfaceName + ")"
                    : "cannot open " + interfaceName + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new IOException("cannot open " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(CanFrame frame) throws IOException {
        byte[] data = frame.data();
        channel.write(frame.extended()
                ? tel.schich.javacan.CanFrame.createExtended(frame.id(), tel.schich.javacan.CanFrame.FD_NO_FLAGS, data)
                : tel.schich.javacan.CanFrame.create(frame.id(), tel.schich.javacan.CanFrame.FD_NO_FLAGS, data));
    }

    @Override
    public CanFrame receive() throws IOException {
        tel.schich.javacan.CanFrame frame;
        try {
            frame = channel.read();
        } catch (LinuxNativeOperationException e) {
            if (e.getErrorNumber() == EAGAIN) {
                // the read timed out
                return null;
            }
            throw new IOException(name + ": " + (e.getErrorNumber() == ENETDOWN ? "the interface went down"
                    : e.getMessage()), e);
        }
        if (frame.isError()) {
            checkController(frame);
            return null;
        }
        if (frame.isRemoteTransmissionRequest() || frame.getDataLength() > 8) {
            return null;
        }
        byte[] data = new byte[frame.getDataLength()];
        frame.getData(data, 0, data.length);
        return new CanFrame(frame.getId(), frame.isExtended(), data);
    }

    /**
     * Bus-off, or a controller gone error-passive, ends the link: the service reopens it with its
     * back-off, and the kernel (with {@code restart-ms} set) brings the controller back.
     */
    private void checkController(tel.schich.javacan.CanFrame error) throws IOException {
        int errorClass = error.getId();
        if ((errorClass & CAN_ERR_BUSOFF) != 0) {
            throw new IOException(name + ": bus-off (the controller stopped after too many errors; check wiring,"
                    + " termination and bit rate)");
        }
        if ((errorClass & CAN_ERR_CRTL) != 0 && error.getDataLength() > 1) {
            byte[] data = new byte[error.getDataLength()];
            error.getData(data, 0, data.length);
            if ((data[1] & CAN_ERR_CRTL_PASSIVE) != 0) {
                throw new IOException(name + ": the controller is error-passive (frames are not acknowledged:"
                        + " is anything else on the bus, and is it terminated?)");
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(RawCanChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the socket is being given up either way
        }
    }
}
