package dev.hotswap.it;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.Location;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.StepRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDI client that sets line breakpoints the way debuggers do (read from their code, see
 * {@code ../shared/DEBUGGING.md}):
 * <ul>
 *   <li>{@link Style#IDEA}: a class-prepare request for the exact class name that lives as long as the
 *       breakpoint; {@code classesByName} at once; every location of the line in each class.</li>
 *   <li>{@link Style#JDB}: the first location of the line; a class-prepare request for the exact name,
 *       re-issued for each class prepared under that name (jdb deletes it once resolved: a jdb user
 *       types {@code stop at} again).</li>
 * </ul>
 * Every event is handled on the client's own thread; a breakpoint hit suspends the thread, which
 * the test inspects through {@link #nextHit} and resumes.
 */
final class Debugger implements AutoCloseable {
    enum Style { IDEA, JDB }

    /** A thread stopped at a breakpoint or at the end of a step: inspect, then {@link #resume}. */
    record Stop(ThreadReference thread, Location location, EventSet events) {
        void resume() {
            events.resume();
        }
    }

    private final VirtualMachine vm;
    private final Style style;
    private final List<Line> lines = new ArrayList<>();
    private final BlockingQueue<Stop> stops = new LinkedBlockingQueue<>();
    private final AtomicInteger hits = new AtomicInteger();
    private volatile boolean counting;
    private final Thread pump;

    private record Line(String className, int line) {
    }

    private Debugger(VirtualMachine vm, Style style) {
        this.vm = vm;
        this.style = style;
        this.pump = new Thread(this::pump, "debugger-events");
        pump.setDaemon(true);
        pump.start();
    }

    static Debugger attach(int port, Style style) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.transport().name().equals("dt_socket")).findFirst().orElseThrow();
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(Integer.toString(port));
        args.get("timeout").setValue("10000");
        // After a session ends, the JDWP agent listens again shortly: retry for a bounded time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return new Debugger(socket.attach(args), style);
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sets a line breakpoint, as the debugger's user does: loaded classes now, classes prepared later too. */
    synchronized void stopAt(String className, int line) {
        Line l = new Line(className, line);
        lines.add(l);
        ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter(className);
        prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepare.putProperty("line", l);
        prepare.enable();
        // jdb tries every loaded class of the name (one without code at the line fails) and keeps going.
        for (ReferenceType type : vm.classesByName(className)) {
            arm(type, l);
        }
    }

    /** Breakpoints for {@code line} in one class; false when it has no code there. */
    private boolean arm(ReferenceType type, Line line) {
        List<Location> locations;
        try {
            locations = type.locationsOfLine("Java", null, line.line());
        } catch (AbsentInformationException e) {
            return false;
        }
        if (locations.isEmpty()) {
            return false;
        }
        for (Location location : style == Style.JDB ? locations.subList(0, 1) : locations) {
            BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(location);
            request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            request.enable();
        }
        return true;
    }

    /** How an IDE sends its HotSwap after a build. */
    enum HotSwap {
        /** IntelliJ IDEA: one {@code redefineClasses} call per changed class, for every loaded class of its name. */
        CALL_PER_CLASS,
        /** Eclipse, VS Code: one call with every loaded class of every changed name. */
        ONE_CALL
    }

    /**
     * An IDE's HotSwap of the classes a build changed ({@code classesByName} for each, then
     * {@code redefineClasses}), followed, as IDEs do, by setting its breakpoints again in the
     * classes of those names; the number of classes redefined.
     */
    synchronized int hotSwap(Map<String, byte[]> changed, HotSwap how) {
        Map<ReferenceType, byte[]> all = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : changed.entrySet()) {
            Map<ReferenceType, byte[]> ofName = new java.util.LinkedHashMap<>();
            vm.classesByName(e.getKey()).forEach(type -> ofName.put(type, e.getValue()));
            if (how == HotSwap.CALL_PER_CLASS) {
                redefine(ofName);
            }
            all.putAll(ofName);
        }
        if (how == HotSwap.ONE_CALL) {
            redefine(all);
        }
        for (Line line : lines) {
            if (changed.containsKey(line.className())) {
                vm.classesByName(line.className()).forEach(type -> arm(type, line));
            }
        }
        return all.size();
    }

    /** The JVM's refusal, naming the classes (and their loaders) the call redefined. */
    private void redefine(Map<ReferenceType, byte[]> classes) {
        try {
            vm.redefineClasses(classes);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException(e.getMessage() + " (redefining " + classes.keySet().stream()
                    .map(t -> t.name() + " of " + t.classLoader()).toList() + ")", e);
        }
    }

    /** Starts counting hits afresh; hits resume at once while counting (not queued). */
    void count() {
        hits.set(0);
        counting = true;
    }

    int counted() {
        counting = false;
        return hits.get();
    }

    /** Waits, at most {@code seconds}, until {@code n} hits were counted; the count reached. */
    int awaitHits(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (hits.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return counted();
    }

    /** The next stop (breakpoint or step), within {@code seconds}, or null. */
    Stop next(int seconds) throws InterruptedException {
        return stops.poll(seconds, TimeUnit.SECONDS);
    }

    /** Drops queued stops, resuming them. */
    void drain() {
        for (Stop s; (s = stops.poll()) != null; ) {
            s.resume();
        }
    }

    /** Steps the stopped thread ({@link StepRequest#STEP_INTO} & co.), resumes it, and waits for where it stops. */
    Stop step(Stop from, int depth) throws InterruptedException {
        StepRequest step = vm.eventRequestManager().createStepRequest(from.thread(), StepRequest.STEP_LINE, depth);
        for (String excluded : List.of("java.*", "jdk.*", "sun.*", "dev.hotswap.*")) {
            step.addClassExclusionFilter(excluded); // as IDEA's default stepping filters
        }
        step.addCountFilter(1);
        step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        step.enable();
        from.resume();
        Stop to = next(10);
        vm.eventRequestManager().deleteEventRequest(step);
        return to;
    }

    private void pump() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean resume = true;
                for (Event event : set) {
                    if (event instanceof VMDisconnectEvent) {
                        return;
                    }
                    if (event instanceof ClassPrepareEvent prepared) {
                        synchronized (this) {
                            Line line = (Line) prepared.request().getProperty("line");
                            if (line != null) {
                                arm(prepared.referenceType(), line);
                            }
                        }
                    } else if (event instanceof BreakpointEvent hit) {
                        if (counting) {
                            hits.incrementAndGet();
                        } else {
                            stops.add(new Stop(hit.thread(), hit.location(), set));
                            resume = false;
                        }
                    } else if (event instanceof StepEvent stepped) {
                        stops.add(new Stop(stepped.thread(), stepped.location(), set));
                        resume = false;
                    }
                }
                if (resume) {
                    set.resume();
                }
            }
        } catch (InterruptedException | com.sun.jdi.VMDisconnectedException e) {
            // the session ended
        }
    }

    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (com.sun.jdi.VMDisconnectedException e) {
            // gone already
        }
        pump.interrupt();
    }
}
