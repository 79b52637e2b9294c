package dev.idem.store.jdbc;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;

/**
 * A socket factory for the PostgreSQL driver ({@code socketFactory=} in the URL) that counts round trips
 * on the wire: each time the client sends bytes after it has received some (or for the first time), a
 * new request starts. Counts over every socket it made, in {@link #ROUND_TRIPS}. Public because the
 * driver instantiates it by name.
 */
public final class CountingSocketFactory extends SocketFactory {

    /** Requests sent by all sockets of this factory. */
    static final AtomicInteger ROUND_TRIPS = new AtomicInteger();

    @Override
    public Socket createSocket() {
        return new CountingSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = new CountingSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("binding a local address is not supported");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = new CountingSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("binding a local address is not supported");
    }

    private static final class CountingSocket extends Socket {

        private final AtomicBoolean answered = new AtomicBoolean(true);

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int read = super.read();
                    answered.set(true);
                    return read;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int read = super.read(buffer, offset, length);
                    if (read > 0) {
                        answered.set(true);
                    }
                    return read;
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    request();
                    out.write(b);
                }

                @Override
                public void write(byte[] buffer, int offset, int length) throws IOException {
                    request();
                    out.write(buffer, offset, length);
                }

                private void request() {
                    if (answered.getAndSet(false)) {
                        ROUND_TRIPS.incrementAndGet();
                    }
                }
            };
        }
    }
}
