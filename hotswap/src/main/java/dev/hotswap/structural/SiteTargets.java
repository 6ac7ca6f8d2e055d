package dev.hotswap.structural;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets the engine's call sites' targets, only where they change: each change deoptimizes the
 * compiled code that inlined the site, a handshake with every thread (about 0.6 ms, measured:
 * BENCHMARKS.md section 1). While a relink works out the targets they are gathered, and set
 * together at its end, with one sync. Used under the engine's lock.
 */
final class SiteTargets {
    private Map<MutableCallSite, MethodHandle> gathered;

    /** From now on targets are gathered, until {@link #setGathered}. */
    void gather() {
        gathered = new LinkedHashMap<>();
    }

    /** Sets the gathered targets that differ from what their site runs, and stops gathering. */
    void setGathered() {
        Map<MutableCallSite, MethodHandle> targets = gathered;
        gathered = null;
        List<MutableCallSite> changed = new ArrayList<>();
        targets.forEach((site, target) -> {
            if (site.getTarget() != target) {
                site.setTarget(target);
                changed.add(site);
            }
        });
        MutableCallSite.syncAll(changed.toArray(MutableCallSite[]::new));
    }

    /** Sets a site's target, or gathers it while a relink works. */
    void set(MutableCallSite site, MethodHandle target) {
        if (gathered != null) {
            gathered.put(site, target);
        } else if (site.getTarget() != target) {
            site.setTarget(target);
        }
    }

    /** A site made while a relink works (by its own thread's class initializers) is handed out with its target. */
    void now(MutableCallSite site) {
        MethodHandle target = gathered == null ? null : gathered.remove(site);
        if (target != null) {
            site.setTarget(target);
        }
    }
}
