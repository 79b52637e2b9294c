package dev.idem.it.app;

/** Makes one call of {@link Greetings#greet} with the id in its argument, prints the greeting and returns. */
public final class OneCallApp {

    private OneCallApp() {
    }

    /** Calls once and ends. */
    public static void main(String[] args) {
        System.out.println(new Greetings().greet(args[0]));
    }
}
