package org.pibms.transport.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.pibms.transport.ByteLink;

/** One accepted TCP connection as a {@link ByteLink}; a read that times out returns 0. */
public final class SocketLink implements ByteLink {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** @param readTimeout_ms how long a read waits before it reports a quiet line */
    public SocketLink(Socket socket, int readTimeout_ms) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(readTimeout_ms);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** The peer as {@code address:port}, for log lines and the event log. */
    public String peer() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        try {
            int count = in.read(buffer);
            if (count < 0) {
                throw new IOException("closed by the client");
            }
            return count;
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is best effort: the connection is being given up either way.
        }
    }
}
