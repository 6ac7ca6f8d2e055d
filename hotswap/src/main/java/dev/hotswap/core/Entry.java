package dev.hotswap.core;

import dev.hotswap.ReloadListener;
import dev.hotswap.ReloadOutcome;
import dev.hotswap.agent.HotswapAgent;
import dev.hotswap.boot.Core;
import dev.hotswap.boot.Links;
import dev.hotswap.reload.Options;
import dev.hotswap.reload.Session;
import dev.hotswap.reload.Sessions;
import dev.hotswap.structural.Linker;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The core's facade: the one class of the module {@code dev.hotswap.core} that the class path's
 * side of hotswap ({@code dev.hotswap.boot.Boot}) can reach, its package being exported to that
 * module alone. One per module: the JVM has one instrumentation, and it is kept here, in a field
 * that no code outside this module can read (the module opens nothing).
 */
public final class Entry implements Core, Links {
    private static final Entry CORE = new Entry();

    private Instrumentation instrumentation; // guarded by this

    private Entry() {
    }

    /** The core, for {@code Boot}. */
    public static Core core() {
        return CORE;
    }

    @Override
    public void agent(String arguments, Instrumentation inst) {
        // The JVM's own only (a class of java.instrument): a look-alike implementing the interface is refused.
        if (inst == null || inst.getClass().getModule() != Instrumentation.class.getModule()) {
            throw new IllegalArgumentException("hotswap takes only the JVM's own instrumentation");
        }
        Instrumentation kept;
        synchronized (this) {
            if (instrumentation == null) {
                instrumentation = inst;
            }
            kept = instrumentation;
        }
        if (!HotswapAgent.LIBRARY.equals(arguments)) {
            try {
                Sessions.startOnce(kept, Options.parse(arguments, System.getProperties()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public synchronized boolean instrumented() {
        return instrumentation != null;
    }

    @Override
    public Optional<Running> current() {
        return Sessions.current().map(Handle::new);
    }

    @Override
    public Running start(String options) throws IOException {
        Options parsed = Options.parse(options, System.getProperties());
        Instrumentation kept;
        synchronized (this) {
            kept = instrumentation;
        }
        if (kept == null) {
            throw new IllegalStateException("hotswap's agent has not been loaded into this JVM");
        }
        return new Handle(Sessions.startOnce(kept, parsed));
    }

    @Override
    public Links links() {
        return this;
    }

    /** A session as the public API sees it. */
    private record Handle(Session session) implements Running {
        @Override
        public List<Path> folders() {
            return session.folders();
        }

        @Override
        public void addListener(ReloadListener listener) {
            session.addListener(listener);
        }

        @Override
        public void removeListener(ReloadListener listener) {
            session.removeListener(listener);
        }

        @Override
        public Optional<ReloadOutcome> rollback() {
            return session.rollback();
        }

        @Override
        public void info(String line) {
            session.info(line);
        }

        @Override
        public boolean active() {
            return Sessions.current().orElse(null) == session;
        }

        @Override
        public void close() {
            Sessions.close(session);
        }
    }

    @Override
    public CallSite entry(MethodHandles.Lookup caller, String name, MethodType type, String descriptor, int isStatic) {
        return Linker.entry(caller, name, type, descriptor, isStatic);
    }

    @Override
    public CallSite call(MethodHandles.Lookup caller, String name, MethodType type, int kind, Class<?> owner,
                         String descriptor) {
        return Linker.call(caller, name, type, kind, owner, descriptor);
    }

    @Override
    public CallSite lambda(MethodHandles.Lookup caller, String name, MethodType type, Object[] args)
            throws LambdaConversionException, NoSuchMethodException, IllegalAccessException {
        return Linker.lambda(caller, name, type, args);
    }

    @Override
    public CallSite lambdaOf(MethodHandles.Lookup caller, String name, MethodType type, MethodType samType, int tag,
                             Class<?> owner, String member, String descriptor)
            throws NoSuchMethodException, IllegalAccessException {
        return Linker.lambdaOf(caller, name, type, samType, tag, owner, member, descriptor);
    }

    @Override
    public CallSite field(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> owner,
                          String descriptor) {
        return Linker.field(caller, name, type, opcode, owner, descriptor);
    }

    @Override
    public CallSite objectMethods(MethodHandles.Lookup caller, String name, MethodType type, Class<?> recordClass,
                                  String components, String fields, String descriptors) throws Throwable {
        return Linker.objectMethods(caller, name, type, recordClass, components, fields, descriptors);
    }

    @Override
    public Class<?> type(MethodHandles.Lookup caller, String name, Class<?> type, String internalName) {
        return Linker.type(caller, name, type, internalName);
    }

    @Override
    public CallSite typeOp(MethodHandles.Lookup caller, String name, MethodType type, int opcode, Class<?> of) {
        return Linker.typeOp(caller, name, type, opcode, of);
    }

    @Override
    public CallSite create(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner, String descriptor) {
        return Linker.create(caller, name, type, owner, descriptor);
    }

    @Override
    public CallSite construct(MethodHandles.Lookup caller, String name, MethodType type, Class<?> owner,
                              String descriptor) {
        return Linker.construct(caller, name, type, owner, descriptor);
    }

    @Override
    public Throwable passing(Throwable thrown, int line, String className, String method, String file) {
        return Linker.passing(thrown, line, className, method, file);
    }

    @Override
    public Throwable helpful(Throwable thrown, String key) {
        return Linker.helpful(thrown, key);
    }

    @Override
    public Object[] takePending() {
        return Linker.takePending();
    }
}
