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
            if (e.getErrorNumber() == 11 /* EAGAIN: the read timed out */) {
                return null;
            }
            throw new IOException(name + ": " + (e.getErrorNumber() == ENETDOWN ? "the interface went down"
                    : e.getMessage()), e);
        }
        if (frame.isError() || frame.isRemoteTransmissionRequest() || frame.getDataLength() > 8) {
            return null;
        }
        byte[] data = new byte[frame.getDataLength()];
        frame.getData(data, 0, data.length);
        return new CanFrame(frame.getId(), frame.isExtended(), data);
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
