package dev.hotswap.reload;

import dev.hotswap.classfile.ClassModel;
import dev.hotswap.classfile.Classifier;
import java.lang.reflect.Method;
import org.objectweb.asm.Opcodes;

/**
 * The {@code @OnReload} methods of reloaded classes, called after the outcome was reported, on the
 * reload thread, with no lock of hotswap's held. A hook that may be new (structural swap) is found
 * in the newest version.
 */
final class Hooks {
    private final Reporter reporter;
    private final EngineSlot engine;

    Hooks(Reporter reporter, EngineSlot engine) {
        this.reporter = reporter;
        this.engine = engine;
    }

    /** Calls the {@code @OnReload} methods of a class the batch reloaded; each failure is reported, the rest still run. */
    void run(Planner.Target target) {
        Class<?> type = target.type();
        for (ClassModel.Member hook : target.candidate().model().onReloadMethods()) {
            String where = type.getName() + "." + Classifier.methodName(hook);
            if (!hook.is(Opcodes.ACC_STATIC) || !hook.descriptor().startsWith("()")) {
                reporter.problem("hotswap: ignored @OnReload on " + where + ": it must be static and take no parameters");
                continue;
            }
            java.lang.invoke.MethodHandle handle;
            try {
                if (target.structural()) {
                    // The hook may be new: only the newest version has it.
                    handle = engine.get().orElseThrow().newestStatic(type, hook.name(), hook.descriptor()).orElseThrow();
                } else {
                    Method method = type.getDeclaredMethod(hook.name());
                    method.setAccessible(true);
                    handle = java.lang.invoke.MethodHandles.lookup().unreflect(method);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                reporter.problem("hotswap: cannot call @OnReload " + where + ": " + e);
                continue;
            }
            try {
                handle.invoke();
            } catch (Throwable e) { // the program's code: all it throws is told as its own
                // The hook's own failure, not ours: the next hooks still run.
                reporter.problem("hotswap: @OnReload " + where + " threw " + e);
            }
        }
    }

}
