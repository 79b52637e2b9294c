package dev.idem.agent;

import com.sun.tools.attach.VirtualMachine;
import java.io.PrintStream;

/** The command line of {@code java -jar idem-agent.jar}: attach the agent to a running JVM. */
final class Attach {

    private static final String USAGE = "usage: java -jar idem-agent.jar attach <pid> [idem.store=...,idem.node=...]";

    private Attach() {
    }

    /** Runs the command; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("idem-agent " + IdemAgent.version());
            return 0;
        }
        if (!args[0].equals("attach") || args.length < 2 || args.length > 3 || !args[1].matches("\\d+")) {
            err.println(USAGE);
            return 2;
        }
        String settings = args.length == 3 ? args[2] : "";
        try {
            AgentArguments.parse(settings);
            VirtualMachine vm = VirtualMachine.attach(args[1]);
            try {
                vm.loadAgent(EngineLoader.agentJar().toString(), settings);
            } finally {
                vm.detach();
            }
            out.println("Idem agent attached to JVM " + args[1]);
            return 0;
        } catch (IllegalArgumentException badSetting) {
            err.println("Idem agent: " + badSetting.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("Idem agent: cannot attach to JVM " + args[1] + ": " + e.getMessage()
                    + " (is it running as the same user, with attach enabled?)");
            return 1;
        }
    }
}
