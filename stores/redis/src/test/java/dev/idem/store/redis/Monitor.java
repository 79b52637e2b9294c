package dev.idem.store.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Redis {@code MONITOR} session on its own socket: the server reports every command it processes, with
 * the address of the client that sent it, so a test can count one client's commands on a shared server.
 */
final class Monitor implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader replies;

    Monitor(RedisURI server) throws IOException {
        socket = new Socket(server.getHost(), server.getPort());
        socket.setSoTimeout(10_000);
        replies = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        RedisCredentials credentials = server.getCredentialsProvider().resolveCredentials().block();
        if (credentials != null && credentials.hasPassword()) {
            send("AUTH", credentials.hasUsername() ? credentials.getUsername() : "default",
                    new String(credentials.getPassword()));
            expectOk();
        }
        send("MONITOR");
        expectOk();
    }

    /**
     * The commands that {@code client} (an {@code ip:port}) sent, in order, until the server reports a
     * command carrying {@code marker}; lower-case names.
     */
    List<String> commandsOf(String client, String marker) throws IOException {
        List<String> commands = new ArrayList<>();
        for (String line = replies.readLine(); line != null; line = replies.readLine()) {
            if (line.contains(marker)) {
                return commands;
            }
            int from = line.indexOf(' ' + client + "] \"");
            if (from >= 0) {
                String rest = line.substring(from + client.length() + 4);
                commands.add(rest.substring(0, rest.indexOf('"')).toLowerCase(Locale.ROOT));
            }
        }
        throw new IOException("the monitor connection closed before the marker " + marker);
    }

    private void send(String... arguments) throws IOException {
        StringBuilder command = new StringBuilder("*").append(arguments.length).append("\r\n");
        for (String argument : arguments) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            command.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(command.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void expectOk() throws IOException {
        String reply = replies.readLine();
        if (!"+OK".equals(reply)) {
            throw new IOException("Redis answered " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
