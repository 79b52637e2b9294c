package dev.idem.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM startup with and without the agent, in one run: starts {@link StartupApp} (which loads every class
 * of the benchmarks jar, more than 5,000) as a fresh JVM, alternating configurations, and prints the
 * median and p90 wall time of each, the agent's overhead in milliseconds and as a ratio, the median time
 * of the application's first call of its woven method (inside the application), and the median CPU time
 * the application's process used up to the end of {@code main}, all threads included: on a machine whose
 * cores the JIT already keeps busy while an application starts, the agent's background work shows there
 * even when it hides from the wall time. The floor row is
 * {@link FloorAgent}, an agent whose transformer changes nothing, registered as the Idem agent registers its
 * own: what the JVM itself charges such a load-time weaver.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.idem.bench.AgentStartupBenchmark
 * [rounds] [agent jar] [more agent settings, as in idem.instrument.include=dev.idem.bench.StartupApp]}
 */
public final class AgentStartupBenchmark {

    private AgentStartupBenchmark() {
    }

    /** Runs the comparison. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path agent = Path.of(args.length > 1 ? args[1] : "agent/target/idem-agent.jar").toAbsolutePath();
        if (!Files.isRegularFile(agent)) {
            throw new IllegalStateException("no agent jar at " + agent + "; build it with mvn -pl agent -am package");
        }
        String settings = args.length > 2 ? "," + args[2] : "";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = new File(AgentStartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getPath();
        Path data = Files.createTempDirectory("idem-startup");
        List<Configuration> configurations = List.of(
                new Configuration("no agent", List.of(), "then 2"),
                new Configuration("floor: no-op transformer", List.of("-javaagent:" + FloorAgent.writeJar(data)), "then 2"),
                new Configuration("agent, in-memory store",
                        List.of("-javaagent:" + agent + "=idem.store=memory" + settings), "then 1"),
                new Configuration("agent, embedded H2 store", List.of("-javaagent:" + agent
                        + "=idem.store=jdbc:h2:file:" + data.resolve("idem") + settings), "then 1"));
        for (int warmup = 0; warmup < 2; warmup++) {
            for (Configuration configuration : configurations) {
                configuration.run(java, classpath);
            }
        }
        for (Configuration configuration : configurations) {
            configuration.times.clear();
            configuration.firstCalls.clear();
            configuration.cpuTimes.clear();
        }
        for (int round = 0; round < rounds; round++) {
            for (Configuration configuration : configurations) {
                configuration.times.add(configuration.run(java, classpath));
            }
        }
        System.out.println(configurations.get(0).lastOutput);
        double baseline = configurations.get(0).median();
        System.out.printf("%-28s %10s %10s %12s %8s %15s %8s %12s%n", "configuration", "median ms", "p90 ms",
                "overhead ms", "ratio", "first call ms", "CPU ms", "CPU overhead");
        double baselineCpu = Configuration.median(configurations.get(0).cpuTimes);
        for (Configuration configuration : configurations) {
            double cpu = Configuration.median(configuration.cpuTimes);
            System.out.printf("%-28s %10.0f %10.0f %12.0f %8.3f %15.1f %8.0f %12.0f%n", configuration.name,
                    configuration.median(), configuration.percentile(0.9), configuration.median() - baseline,
                    configuration.median() / baseline, Configuration.median(configuration.firstCalls), cpu,
                    cpu - baselineCpu);
        }
        System.out.printf("(%d rounds, %s, %s)%n", rounds, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    }

    /** One way to start the application, and the wall times measured. */
    private static final class Configuration {
        static final Pattern SUMMARY = Pattern.compile("first call (\\d+) us; cpu (-?\\d+) ms");

        final String name;
        final List<String> jvmOptions;
        final String expected;
        final List<Double> times = new ArrayList<>();
        final List<Double> firstCalls = new ArrayList<>();
        final List<Double> cpuTimes = new ArrayList<>();
        String lastOutput;

        /** {@code expected}: how the second call must end, replayed (agent) or run again (no agent). */
        Configuration(String name, List<String> jvmOptions, String expected) {
            this.name = name;
            this.jvmOptions = jvmOptions;
            this.expected = expected;
        }

        double run(String java, String classpath) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classpath, StartupApp.class.getName()));
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0 || !output.contains(expected)) {
                throw new IllegalStateException(name + " failed: " + output);
            }
            double elapsed = (System.nanoTime() - start) / 1e6;
            lastOutput = output.lines().filter(line -> line.startsWith("loaded")).findFirst().orElse(output);
            Matcher firstCall = SUMMARY.matcher(lastOutput);
            if (!firstCall.find()) {
                throw new IllegalStateException(name + " printed no first call or CPU time: " + lastOutput);
            }
            firstCalls.add(Long.parseLong(firstCall.group(1)) / 1e3);
            cpuTimes.add(Double.parseDouble(firstCall.group(2)));
            return elapsed;
        }

        double median() {
            return median(times);
        }

        double percentile(double p) {
            return percentile(times, p);
        }

        static double median(List<Double> values) {
            return percentile(values, 0.5);
        }

        static double percentile(List<Double> values, double p) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(times.toArray());
        }
    }
}
