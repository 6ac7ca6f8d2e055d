package dev.hotswap;

/**
 * Told of every batch's outcome, on the reload thread, after the batch was applied (or not).
 * Keep it short: the next batch waits for it. An exception it throws is reported and ignored.
 */
@FunctionalInterface
public interface ReloadListener {
    void onReload(ReloadOutcome outcome);
}
