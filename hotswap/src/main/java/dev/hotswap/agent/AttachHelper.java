package dev.hotswap.agent;

import com.sun.tools.attach.VirtualMachine;

/**
 * Main class of the short-lived JVM that attaches back to a program and loads our agent into
 * it: a JVM may not attach to itself (JDK 9+), another one may. Exit code 0 means loaded.
 * Usage: {@code AttachHelper <pid> <agent jar> [agent arguments]}.
 */
public final class AttachHelper {
    private AttachHelper() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: AttachHelper <pid> <agent jar> [agent arguments]");
            System.exit(2);
        }
        try {
            load(args[0], args[1], args.length > 2 ? args[2] : null);
        } catch (Exception e) {
            System.err.println(e);
            System.exit(1);
        }
    }

    public static void load(String pid, String agentJar, String arguments) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            vm.loadAgent(agentJar, arguments);
        } finally {
            vm.detach();
        }
    }
}
