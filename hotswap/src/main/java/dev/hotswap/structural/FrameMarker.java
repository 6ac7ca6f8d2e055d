package dev.hotswap.structural;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Puts the frames of a hidden version back into stack traces. The JVM leaves every method of a
 * hidden class out of a {@code Throwable}'s stack trace, so an exception thrown in swapped code
 * would not say where it came from. Each line of a version's method gets an exception handler,
 * after the method's own, that hands the passing exception to {@link Linker#passing} (which adds
 * {@code at app.Svc.who(Svc.java:4)} where the frame belongs) and throws it on. Costs nothing
 * until an exception leaves the method; the handlers' frame declares no locals, which every
 * point of the method satisfies.
 */
final class FrameMarker extends MethodVisitor {
    /** Methods this long keep their size: handlers add 6 bytes of code a line. */
    private static final int MAX_LINES = 2_000;
    private static final int MAX_CODE = 65_535;

    private final String className;
    private final String methodName;
    private final String sourceFile;
    private final List<Label> starts = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    /** Instructions that may throw a NullPointerException, with the message a fresh start gives ({@link NullMessages}). */
    private final List<NullMessages.Range> nulls;

    FrameMarker(MethodVisitor next, String internalClassName, String methodName, String sourceFile) {
        this(next, internalClassName, methodName, sourceFile, List.of());
    }

    FrameMarker(MethodVisitor next, String internalClassName, String methodName, String sourceFile,
                List<NullMessages.Range> nulls) {
        super(Opcodes.ASM9, next);
        this.nulls = nulls;
        this.className = internalClassName.replace('/', '.');
        this.methodName = methodName;
        this.sourceFile = sourceFile;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        super.visitLineNumber(line, start);
        if (!lines.isEmpty() && lines.get(lines.size() - 1) == line) {
            return;
        }
        if (!starts.isEmpty() && starts.get(starts.size() - 1) == start) {
            lines.set(lines.size() - 1, line);
            return;
        }
        starts.add(start);
        lines.add(line);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (starts.isEmpty() || starts.size() > MAX_LINES) {
            super.visitMaxs(maxStack, maxLocals);
            return;
        }
        Label end = new Label();
        super.visitLabel(end);
        int[] offsets = new int[starts.size() + 1];
        try {
            for (int i = 0; i < starts.size(); i++) {
                offsets[i] = starts.get(i).getOffset();
            }
            offsets[starts.size()] = end.getOffset();
        } catch (IllegalStateException e) {
            super.visitMaxs(maxStack, maxLocals); // a label not written yet: leave the method as it is
            return;
        }
        if (offsets[starts.size()] + 6L * starts.size() + 12L * nulls.size() + 32 > MAX_CODE) {
            super.visitMaxs(maxStack, maxLocals); // the handlers would not fit in a method's 64 KB
            return;
        }
        // First, after the method's own: each instruction that may throw a NullPointerException.
        List<Label> nullHandlers = new ArrayList<>();
        for (NullMessages.Range r : nulls) {
            Label handler = new Label();
            nullHandlers.add(handler);
            super.visitTryCatchBlock(r.start(), r.end(), handler, "java/lang/NullPointerException");
        }
        List<Label> handlers = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            Label from = starts.get(i);
            Label to = i + 1 < starts.size() ? starts.get(i + 1) : end;
            if (offsets[i] >= offsets[i + 1]) {
                handlers.add(null);
                continue;
            }
            Label handler = new Label();
            handlers.add(handler);
            // Visited after the method's own handlers: those are searched first.
            super.visitTryCatchBlock(from, to, handler, null);
        }
        // Each handler pushes its line and jumps to one shared tail: 6 bytes of code a line.
        Label tail = new Label();
        for (int i = 0; i < handlers.size(); i++) {
            Label handler = handlers.get(i);
            if (handler == null) {
                continue;
            }
            super.visitLabel(handler);
            super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/Throwable"});
            super.visitLdcInsn(lines.get(i));
            super.visitJumpInsn(Opcodes.GOTO, tail);
        }
        for (int i = 0; i < nulls.size(); i++) {
            super.visitLabel(nullHandlers.get(i));
            super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 1, new Object[] {"java/lang/NullPointerException"});
            super.visitLdcInsn(nulls.get(i).key());
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/hotswap/boot/Link", "helpful",
                    "(Ljava/lang/Throwable;Ljava/lang/String;)Ljava/lang/Throwable;", false);
            super.visitLdcInsn(lineAt(nulls.get(i).start().getOffset(), offsets));
            super.visitJumpInsn(Opcodes.GOTO, tail);
        }
        super.visitLabel(tail);
        super.visitFrame(Opcodes.F_FULL, 0, new Object[0], 2, new Object[] {"java/lang/Throwable", Opcodes.INTEGER});
        super.visitLdcInsn(className);
        super.visitLdcInsn(methodName);
        if (sourceFile == null) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitLdcInsn(sourceFile);
        }
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/hotswap/boot/Link", "passing",
                "(Ljava/lang/Throwable;ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/Throwable;", false);
        super.visitInsn(Opcodes.ATHROW);
        super.visitMaxs(Math.max(maxStack, 5), maxLocals);
    }

    /** The source line of the code at {@code offset}: that of the last line start at or before it. */
    private int lineAt(int offset, int[] offsets) {
        int line = lines.get(0);
        for (int i = 0; i < starts.size(); i++) {
            if (offsets[i] <= offset) {
                line = lines.get(i);
            }
        }
        return line;
    }
}
