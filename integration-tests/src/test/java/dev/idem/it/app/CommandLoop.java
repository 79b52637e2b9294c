package dev.idem.it.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The stdin protocol of the interactive test applications. The application prints {@code main started java=<n>}
 * first, then {@code ready}; each input line is {@code <tag> <command> <args...>} and is answered by one line
 * {@code <tag> ok <value>} or {@code <tag> error <ExceptionSimpleName>: <message>}. With {@code concurrent}, each
 * command runs on a thread of its own, so a command may block while later ones are served. End of input or
 * the command {@code exit} ends the application with status 0.
 */
final class CommandLoop {

    /** One command: its arguments (after the command word) in, the value to print out. */
    @FunctionalInterface
    interface Command {
        String run(String[] args) throws Exception;
    }

    private CommandLoop() {
    }

    /** Prints the first line every application prints, before it does anything else. */
    static void started() {
        System.out.println("main started java=" + Runtime.version().feature());
    }

    /** Serves {@code commands} until the input ends. */
    static void serve(Map<String, Command> commands, boolean concurrent) throws IOException {
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 1 && words[0].equals("exit")) {
                break;
            }
            if (words.length < 2 || !commands.containsKey(words[1])) {
                System.out.println(words[0] + " error UnknownCommand: '" + line + "'; commands: " + commands.keySet());
                continue;
            }
            Runnable task = () -> answer(words[0], commands.get(words[1]), Arrays.copyOfRange(words, 2, words.length));
            if (concurrent) {
                new Thread(task, "command-" + words[0]).start();
            } else {
                task.run();
            }
        }
        System.exit(0);
    }

    private static void answer(String tag, Command command, String[] args) {
        String answer;
        try {
            answer = "ok " + command.run(args);
        } catch (Exception | Error e) {
            answer = "error " + describe(e);
        }
        System.out.println(tag + " " + answer);
    }

    /** {@code SimpleName: message} on one line. */
    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
}
