package dev.idem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy a test controls, to put a real server behind a network fault: {@link #cut()}
 * resets every connection and refuses new ones (a server that is down), {@link #blackhole()} keeps
 * connections open but forwards nothing (a network partition, where only timeouts help),
 * {@link #freeze()} does the same to the connections already open (a partition in the middle of a
 * conversation), and {@link #restore()} lets traffic through again. Thread-safe; close it after the test.
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { PASS, CUT, BLACKHOLE, FREEZE }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;

    /** Starts a proxy on an ephemeral loopback port, forwarding to {@code targetHost:targetPort}. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Resets every open connection and refuses new ones, as a stopped server would. */
    public void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    /** Drops open connections and swallows new ones without forwarding a byte, as a partition would. */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
        closeAll();
    }

    /**
     * Keeps every open connection open but holds back what either side sends until {@link #restore()},
     * as a partition would (TCP keeps the bytes; nothing arrives meanwhile).
     */
    public void freeze() {
        mode = Mode.FREEZE;
    }

    /** Lets traffic through again (frozen connections resume; cut ones must reconnect). */
    public void restore() {
        mode = Mode.PASS;
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeAll();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            Mode now = mode;
            if (now == Mode.CUT) {
                reset(client);
                continue;
            }
            sockets.add(client);
            if (now == Mode.BLACKHOLE || now == Mode.FREEZE) {
                continue;
            }
            try {
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 2_000);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    while (mode == Mode.FREEZE) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    if (mode != Mode.PASS) {
                        break;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side went away; both sockets are closed below
            } finally {
                reset(from);
                reset(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeAll() {
        for (Socket socket : sockets) {
            reset(socket);
        }
    }

    private void reset(Socket socket) {
        sockets.remove(socket);
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
