package dev.idem.spring;

/** The observer that ignores everything. Stateless and thread-safe. */
final class NoObserver implements IdemObserver {

    static final NoObserver INSTANCE = new NoObserver();

    private NoObserver() {
    }

    @Override
    public void onCall(String name, Source source, Outcome outcome) {
    }

    @Override
    public void onRetry(String name) {
    }
}
