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
 * JVM startup with and without the agent, in one run, on one of two applications:
 * <ul>
 *   <li>{@code classes} (the default), {@link StartupApp}: loads every class of the benchmarks jar, more than
 *       14,000, without initializing them, and does nothing else. It is the worst case for a load-time weaver:
 *       the JVM's cost of handing each class to a transformer and the agent's own fixed cost are set against an
 *       application that does no other work, and every JDK class the agent uses is one the application would
 *       not have loaded.</li>
 *   <li>{@code service}: {@code dev.idem.bench.service.ServiceApp} of {@code bench/startup-service}, a Spring
 *       Boot web service (Tomcat, Spring MVC, Jackson, Hikari over H2, actuator) that loads about 8,600
 *       classes and initializes them, as a service does.</li>
 * </ul>
 * Each application is started as a fresh JVM, the configurations alternating round by round, and the run
 * prints for each configuration the median and p90 wall time, the agent's overhead (the median of the
 * per-round differences from the no-agent start of the same round, with its 95% confidence interval) and
 * the ratio of the medians, the median time of the application's first call of its woven method (inside the
 * application), and the median CPU time the application's process used up to the end of {@code main}, all
 * threads included: on a machine whose cores the JIT already keeps busy while an application starts, the
 * agent's background work shows there even when it hides from the wall time. The floor row is
 * {@link FloorAgent}, an agent whose transformer changes nothing, registered as the Idem agent registers its
 * own: what the JVM itself charges such a load-time weaver.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.idem.bench.AgentStartupBenchmark [classes|service]
 * [rounds] [agent jar] [more agent settings, as in idem.instrument.include=dev.idem.bench.StartupApp]}; the
 * {@code service} application is built by {@code mvn -pl bench/startup-service -am package}.
 */
public final class AgentStartupBenchmark {

    private AgentStartupBenchmark() {
    }

    /** Runs the comparison. */
    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        Application application = Application.named(!arguments.isEmpty() && !arguments.get(0).matches("\\d+")
                ? arguments.remove(0) : "classes");
        int rounds = !arguments.isEmpty() ? Integer.parseInt(arguments.get(0)) : 15;
        Path agent = Path.of(arguments.size() > 1 ? arguments.get(1) : "agent/target/idem-agent.jar").toAbsolutePath();
        if (!Files.isRegularFile(agent)) {
            throw new IllegalStateException("no agent jar at " + agent + "; build it with mvn -pl agent -am package");
        }
        String settings = arguments.size() > 2 ? "," + arguments.get(2) : "";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
                configuration.run(java, application);
            }
        }
        for (Configuration configuration : configurations) {
            configuration.times.clear();
            configuration.firstCalls.clear();
            configuration.cpuTimes.clear();
        }
        for (int round = 0; round < rounds; round++) {
            for (Configuration configuration : configurations) {
                configuration.times.add(configuration.run(java, application));
            }
        }
        System.out.println(application.name() + ": " + configurations.get(0).lastOutput);
        Configuration baseline = configurations.get(0);
        System.out.printf("%-28s %10s %10s %12s %18s %8s %15s %8s %12s%n", "configuration", "median ms", "p90 ms",
                "overhead ms", "95% interval", "ratio", "first call ms", "CPU ms", "CPU overhead");
        double baselineCpu = Configuration.median(baseline.cpuTimes);
        for (Configuration configuration : configurations) {
            List<Double> overheads = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                overheads.add(configuration.times.get(round) - baseline.times.get(round));
            }
            double[] interval = medianInterval(overheads);
            double cpu = Configuration.median(configuration.cpuTimes);
            System.out.printf("%-28s %10.0f %10.0f %12.0f %18s %8.3f %15.1f %8.0f %12.0f%n", configuration.name,
                    configuration.median(), configuration.percentile(0.9), Configuration.median(overheads),
                    String.format("%.0f to %.0f", interval[0], interval[1]), configuration.median() / baseline.median(),
                    Configuration.median(configuration.firstCalls), cpu, cpu - baselineCpu);
        }
        System.out.printf("(%d rounds, %s, %s)%n", rounds, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    }

    /**
     * A distribution-free interval of at least 95% for the median of {@code values}: the order statistics
     * {@code j} and {@code n - j + 1} for the largest {@code j} whose binomial tail leaves at most 2.5% on each side.
     * With fewer than 6 values no such interval exists, and the whole range is returned.
     */
    static double[] medianInterval(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double tail = 0;
        double term = Math.pow(0.5, n);
        int lower = 0;
        for (int j = 0; j < n / 2; j++) {
            tail += term;
            if (2 * tail > 0.05) {
                break;
            }
            lower = j + 1;
            term = term * (n - j) / (j + 1);
        }
        return lower == 0 ? new double[] {sorted[0], sorted[n - 1]} : new double[] {sorted[lower - 1], sorted[n - lower]};
    }

    /** An application to start: its name, class path and main class. */
    private record Application(String name, String classpath, String mainClass) {

        static Application named(String name) throws Exception {
            if (name.equals("classes")) {
                return new Application(name, new File(AgentStartupBenchmark.class.getProtectionDomain().getCodeSource()
                        .getLocation().toURI()).getPath(), StartupApp.class.getName());
            }
            if (name.equals("service")) {
                Path target = Path.of("bench/startup-service/target").toAbsolutePath();
                Path classpath = target.resolve("classpath.txt");
                Path jar = target.resolve("idem-bench-startup-service-0.1.0-SNAPSHOT.jar");
                if (!Files.isRegularFile(classpath) || !Files.isRegularFile(jar)) {
                    throw new IllegalStateException("the service application is not built in " + target
                            + "; build it with mvn -pl bench/startup-service -am package, from the repository's root");
                }
                return new Application(name, jar + File.pathSeparator + Files.readString(classpath).trim(),
                        "dev.idem.bench.service.ServiceApp");
            }
            throw new IllegalArgumentException("unknown application " + name + "; choose classes or service");
        }
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

        double run(String java, Application application) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", application.classpath(), application.mainClass()));
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
